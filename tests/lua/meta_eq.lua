-- __eq metamethod
local P = {}
P.__eq = function(a, b) return a.x == b.x end
local a = setmetatable({x = 1}, P)
local b = setmetatable({x = 1}, P)
local c = setmetatable({x = 2}, P)
print(a == b, a == c, a ~= c, a ~= b)
print(a == a, rawequal(a, b))
local other = setmetatable({x = 1}, {__eq = function() return true end})
print(a == other, other == a)
print(a == 1, a == "x", a == nil)
local calls = 0
local Q = {__eq = function(x, y) calls = calls + 1; return 1 end}
local q1, q2 = setmetatable({}, Q), setmetatable({}, Q)
print(q1 == q2, calls)
print(q1 == q1, calls)
local plain = {}
print(plain == a, a == plain)
local t = {}
t[a] = "a"
print(t[b])
