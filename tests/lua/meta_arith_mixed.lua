-- which operand's metamethod is used
local A = setmetatable({}, {__add = function() return "A.__add" end, __concat = function() return "A.__concat" end})
local B = setmetatable({}, {__add = function() return "B.__add" end, __concat = function() return "B.__concat" end})
print(A + B, B + A, A + 1, 1 + B)
print(A .. B, B .. A, "s" .. B, A .. "s")
local N = setmetatable({}, {})
print(N + A, A + N)
local E1 = setmetatable({}, {__eq = function() return "e1" end})
local E2 = setmetatable({}, {__eq = function() return false end})
print(E1 == E2, E2 == E1)
local L1 = setmetatable({}, {__lt = function() return 0 end})
print(L1 < {}, {} < L1)
local D = setmetatable({}, {__div = function(a, b) return "div" end, __mod = function() return "mod" end,
  __idiv = function() return "idiv" end, __pow = function() return "pow" end, __sub = function() return "sub" end,
  __mul = function() return "mul" end})
print(D / 1, 1 % D, D // D, 2 ^ D, D - 0, 0 * D)
