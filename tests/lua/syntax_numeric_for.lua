-- integer numeric for loops
local function run(a, b, c)
  local t = {}
  if c then
    for i = a, b, c do t[#t + 1] = i end
  else
    for i = a, b do t[#t + 1] = i end
  end
  print(a, b, c, "->", #t, table.concat(t, " "))
end
run(1, 5)
run(5, 1)
run(5, 1, -1)
run(1, 10, 3)
run(10, 1, -4)
run(0, 0)
run(-3, 3, 2)
run(1, 0)
-- loop variable is a fresh local; modifying it does not affect iteration
for i = 1, 3 do
  local before = i
  i = i * 10
  io.write(before, ":", i, " ")
end
print()
-- bounds evaluated once
local limit = 3
for i = 1, limit do
  limit = 10
  io.write(i, " ")
end
print()
-- math.type of loop variable
for i = 1, 2 do io.write(math.type(i), " ") end
print()
-- float limit with integer start is clipped
for i = 1, 3.5 do io.write(i, " ") end
print()
for i = 3, 0.5, -1 do io.write(i, " ") end
print()
for i = 1, math.huge do if i > 3 then break end io.write(i, " ") end
print()
for i = 1, -math.huge do io.write("never") end
print("done")
