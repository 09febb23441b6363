-- sieve of Eratosthenes and prime utilities
local function sieve(n)
  local is = {}
  for i = 2, n do is[i] = true end
  for i = 2, math.floor(math.sqrt(n)) do
    if is[i] then for j = i * i, n, i do is[j] = false end end
  end
  local primes = {}
  for i = 2, n do if is[i] then primes[#primes + 1] = i end end
  return primes
end
local p = sieve(100)
print(#p, table.concat(p, " "))
local big = sieve(200000)
print(#big, big[#big])
local sum = 0
for _, v in ipairs(big) do sum = sum + v end
print("sum", sum)
local function factor(n)
  local f = {}
  local d = 2
  while d * d <= n do
    while n % d == 0 do f[#f + 1] = d; n = n // d end
    d = d + 1
  end
  if n > 1 then f[#f + 1] = n end
  return f
end
for _, n in ipairs({12, 97, 360, 1001, 65536, 999999, 600851475143}) do
  print(n, table.concat(factor(n), "*"))
end
local twins = 0
for i = 2, #p do if p[i] - p[i - 1] == 2 then twins = twins + 1 end end
print("twin pairs below 100:", twins)
local gaps = {}
for i = 2, #big do
  local g = big[i] - big[i - 1]
  gaps[g] = (gaps[g] or 0) + 1
end
local gk = {}
for g in pairs(gaps) do gk[#gk + 1] = g end
table.sort(gk)
local out = {}
for i = 1, 6 do out[i] = gk[i] .. ":" .. gaps[gk[i]] end
print(table.concat(out, " "), "max gap", gk[#gk])
