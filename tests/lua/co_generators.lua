-- generators built on coroutines
local function range(n) return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end) end
local function map(f, g) return coroutine.wrap(function() for v in g do coroutine.yield(f(v)) end end) end
local function filter(p, g) return coroutine.wrap(function() for v in g do if p(v) then coroutine.yield(v) end end end) end
local function take(n, g) return coroutine.wrap(function()
  if n <= 0 then return end
  local c = 0
  for v in g do coroutine.yield(v); c = c + 1; if c >= n then return end end
end) end
local out = {}
for v in take(5, filter(function(x) return x % 3 == 0 end, map(function(x) return x * x end, range(100)))) do
  out[#out + 1] = v
end
print(table.concat(out, " "))
local function permgen(a, n)
  n = n or #a
  if n <= 1 then coroutine.yield(a) else
    for i = 1, n do
      a[n], a[i] = a[i], a[n]
      permgen(a, n - 1)
      a[n], a[i] = a[i], a[n]
    end
  end
end
local perms = {}
for p in coroutine.wrap(function() permgen({1, 2, 3}) end) do perms[#perms + 1] = table.concat(p) end
table.sort(perms)
print(#perms, table.concat(perms, " "))
local function fib_gen() return coroutine.wrap(function()
  local a, b = 0, 1
  while true do coroutine.yield(a); a, b = b, a + b end
end) end
local f = fib_gen()
local fibs = {}
for i = 1, 15 do fibs[i] = f() end
print(table.concat(fibs, ","))
local function tree_walk(t)
  return coroutine.wrap(function()
    local function walk(node)
      if not node then return end
      walk(node.left); coroutine.yield(node.value); walk(node.right)
    end
    walk(t)
  end)
end
local tree = {value = 5, left = {value = 3, left = {value = 1}, right = {value = 4}}, right = {value = 8, right = {value = 9}}}
local vals = {}
for v in tree_walk(tree) do vals[#vals + 1] = v end
print(table.concat(vals, " "))
