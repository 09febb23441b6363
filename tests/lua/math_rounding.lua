-- floor, ceil and conversions
local vals = {3.7, -3.7, 3.2, -3.2, 0.5, -0.5, 0.0, -0.0, 5, -5, 1e20, -1e20, 2^53 + 0.5, math.huge}
for _, v in ipairs(vals) do
  local f, c = math.floor(v), math.ceil(v)
  print(v, f, math.type(f), c, math.type(c))
end
print(math.floor(2^62), math.ceil(-2^62), math.floor(2^63), math.ceil(2^63))
print(math.floor(0/0) ~= math.floor(0/0), math.type(math.floor(0/0)))
print(math.floor(-0.0), math.ceil(-0.5))
local function round(x) return math.floor(x + 0.5) end
print(round(2.5), round(-2.5), round(3.49999))
print(math.floor(7 / 2), math.ceil(7 / 2), 7 // 2)
