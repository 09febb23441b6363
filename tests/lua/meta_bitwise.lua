-- bitwise metamethods
local B = {}
local function bits(v) return setmetatable({v = v}, B) end
local function val(x) return type(x) == "table" and x.v or x end
B.__band = function(a, b) return bits(val(a) & val(b)) end
B.__bor = function(a, b) return bits(val(a) | val(b)) end
B.__bxor = function(a, b) return bits(val(a) ~ val(b)) end
B.__shl = function(a, b) return bits(val(a) << val(b)) end
B.__shr = function(a, b) return bits(val(a) >> val(b)) end
B.__bnot = function(a) return bits(~val(a)) end
local x = bits(12)
print((x & 10).v, (x | 3).v, (x ~ 5).v, (x << 2).v, (x >> 2).v, (~x).v)
print((6 & x).v, (1 | x).v, (1 << bits(4)).v)
local fl = setmetatable({}, {__band = function(a, b) return "band called" end})
print(fl & 1.5, 1.5 & fl)
print(pcall(function() return 1.5 & 1 end))
local strbits = setmetatable({}, {__bor = function(a, b) return "bor:" .. tostring(type(a)) end})
print("x" | strbits)
