-- arithmetic metamethods
local V = {}
V.__index = V
local function vec(x, y) return setmetatable({x = x, y = y}, V) end
local function s(v) return type(v) == "table" and ("(" .. v.x .. "," .. v.y .. ")") or tostring(v) end
V.__add = function(a, b) return vec(a.x + b.x, a.y + b.y) end
V.__sub = function(a, b) return vec(a.x - b.x, a.y - b.y) end
V.__mul = function(a, b)
  if type(a) == "number" then return vec(a * b.x, a * b.y) end
  if type(b) == "number" then return vec(a.x * b, a.y * b) end
  return a.x * b.x + a.y * b.y
end
V.__div = function(a, b) return vec(a.x / b, a.y / b) end
V.__mod = function(a, b) return vec(a.x % b, a.y % b) end
V.__pow = function(a, b) return vec(a.x ^ b, a.y ^ b) end
V.__unm = function(a) return vec(-a.x, -a.y) end
V.__idiv = function(a, b) return vec(a.x // b, a.y // b) end
local a, b = vec(1, 2), vec(3, 4)
print(s(a + b), s(a - b), s(a * b), s(a * 2), s(3 * b))
print(s(b / 2), s(b % 3), s(a ^ 2), s(-a), s(b // 3))
print(s((a + b) * 2 - a))
local log = {}
local L = setmetatable({}, {__add = function(x, y) log[#log + 1] = "add"; return 1 end,
  __sub = function() log[#log + 1] = "sub"; return 2 end})
local _ = L + 1, 1 + L, L - "x", "5" + L
print(table.concat(log, ","))
print(pcall(function() return a + 1 end))
print(pcall(function() return {} + 1 end))
local onlyRight = setmetatable({}, {__add = function(x, y) return type(x) .. "+" .. type(y) end})
print(10 + onlyRight, onlyRight + 10, "s" + onlyRight)
