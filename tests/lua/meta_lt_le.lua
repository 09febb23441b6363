-- __lt and __le metamethods
local V = {}
V.__lt = function(a, b) return a.v < b.v end
V.__le = function(a, b) return a.v <= b.v end
local function v(n) return setmetatable({v = n}, V) end
local a, b, c = v(1), v(2), v(2)
print(a < b, b < a, b <= c, c >= b, a > b, b >= a)
print(b < c, b <= c, b > c)
local items = {v(5), v(3), v(9), v(1)}
table.sort(items)
local out = {}
for i, x in ipairs(items) do out[i] = x.v end
print(table.concat(out, " "))
local mixed = setmetatable({}, {__lt = function(a, b) return type(a) .. "<" .. type(b) end})
print(mixed < 1, 1 < mixed, mixed > 1)
print(pcall(function() return a < 1 end))
print(pcall(function() return {} < {} end))
