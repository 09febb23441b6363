-- float numeric for loops
for x = 0.0, 1.0, 0.25 do io.write(x, " ") end
print()
for x = 1.0, 3 do io.write(x, " ", math.type(x), " ") end
print()
for x = 1, 2, 0.5 do io.write(x, " ") end
print()
for x = 2, 1, -0.5 do io.write(x, " ") end
print()
local n = 0
for x = 0.1, 1.0, 0.1 do n = n + 1 end
print("count", n)
for x = -1.5, 1.5 do io.write(x, " ") end
print()
for x = 1e300, 1e300, 1e300 do io.write(x, " ") end
print()
