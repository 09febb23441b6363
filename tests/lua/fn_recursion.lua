-- direct recursion
local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
for _, n in ipairs({0, 1, 5, 10, 20, 21, 25}) do print(n, fact(n)) end
local function ffact(n) if n <= 1 then return 1.0 end return n * ffact(n - 1) end
print(ffact(25), ffact(170) > 1e300, ffact(171))
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print(fib(20))
local function ackermann(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ackermann(m - 1, 1) end
  return ackermann(m - 1, ackermann(m, n - 1))
end
print(ackermann(2, 3), ackermann(3, 3))
local function gcd(a, b) if b == 0 then return a end return gcd(b, a % b) end
print(gcd(48, 18), gcd(17, 5), gcd(0, 9), gcd(1071, 462))
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
print(depth(10000))
local function power_set(s)
  if #s == 0 then return {{}} end
  local rest = {table.unpack(s, 2)}
  local ps = power_set(rest)
  local out = {}
  for _, sub in ipairs(ps) do
    out[#out + 1] = sub
    local with = {s[1], table.unpack(sub)}
    out[#out + 1] = with
  end
  return out
end
local ps = power_set({"a", "b", "c"})
local strs = {}
for i, sub in ipairs(ps) do strs[i] = "{" .. table.concat(sub) .. "}" end
table.sort(strs)
print(#ps, table.concat(strs, " "))
