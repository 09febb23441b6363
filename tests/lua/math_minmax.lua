-- abs, max, min
print(math.abs(-5), math.abs(5), math.abs(-5.5), math.abs(-0.0), math.abs(math.mininteger))
print(math.max(1, 2, 3), math.max(-1, -2), math.max(1.5, 1), math.max(1, 1.0), math.max(1.0, 1))
print(math.min(1, 2, 3), math.min(-1, -2), math.min(0.5, 1), math.min(5))
print(math.max(math.huge, 1), math.min(-math.huge, 1))
print(math.max(math.mininteger, math.maxinteger), math.min(math.mininteger, math.maxinteger))
print(pcall(math.max))
print(pcall(math.min, 1, "x"))
print(math.type(math.max(2, 1.0)), math.type(math.min(2.0, 3)))
local t = {5, 2, 9, 1}
print(math.max(table.unpack(t)), math.min(table.unpack(t)))
