-- table.concat with separators and ranges
local t = {"a", "b", "c", "d", "e"}
print(table.concat(t))
print(table.concat(t, ", "))
print(table.concat(t, "-", 2))
print(table.concat(t, "-", 2, 4))
print(table.concat(t, "-", 4, 2) == "")
print(table.concat(t, "", 5, 5))
print(table.concat({}, "x"))
print(table.concat({1, 2.5, "s", 10}, "|"))
print(table.concat({1, 2, 3}, 0))
local nums = {}
for i = 1, 20 do nums[i] = i * i end
print(table.concat(nums, " ", 15))
print(table.concat({"x"}, ", "))
print(#table.concat(nums, "--"))
print(table.concat({[1] = "a", [2] = "b", [3] = "c"}, "+", 1, 3))
print(table.concat({-0.0, 1e100, 2^63}, " "))
