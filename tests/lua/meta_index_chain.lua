-- chains of __index tables and functions
local A = {a = "from A"}
local B = setmetatable({b = "from B"}, {__index = A})
local C = setmetatable({c = "from C"}, {__index = B})
local D = setmetatable({}, {__index = C})
print(D.a, D.b, D.c, D.d)
local depth = 0
local base = {value = "base"}
local cur = base
for i = 1, 50 do
  cur = setmetatable({}, {__index = cur})
end
print(cur.value)
local f = setmetatable({}, {__index = function(t, k)
  depth = depth + 1
  return setmetatable({}, {__index = function(_, k2) return k .. "." .. k2 end})
end})
print(f.x.y, f.foo.bar, depth)
local proxy = setmetatable({}, {__index = setmetatable({}, {__index = function(_, k) return "fn:" .. k end})})
print(proxy.hello)
local m = setmetatable({}, {__index = A})
A.later = "added later"
print(m.later)
