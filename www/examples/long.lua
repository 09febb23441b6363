-- A long computation with progress output. Pause it, reload the page,
-- or export it to another browser: it continues where it stopped.
-- (Everything it knows, including the loop counters, is in the heap.)
local LIMIT = 800000
local STEPS = 20
local primes = {}        -- every prime found so far, kept in the heap

local function is_prime(n)
  for i = 1, #primes do
    local p = primes[i]
    if p * p > n then return true end
    if n % p == 0 then return false end
  end
  return true
end

local checked = 1
for step = 1, STEPS do
  local upto = LIMIT * step // STEPS
  for n = checked + 1, upto do
    if is_prime(n) then primes[#primes + 1] = n end
  end
  checked = upto
  print(("step %2d/%d: %7d numbers checked, %6d primes, largest %d")
    :format(step, STEPS, checked, #primes, primes[#primes]))
end
print(("done: there are %d primes below %d"):format(#primes, LIMIT))
