-- table.unpack with explicit ranges, holes and negatives
local t = {10, 20, 30, 40, 50}
print(table.unpack(t, 2, 4))
print(table.unpack(t, 4))
print(table.unpack(t, -1, 2))
print(table.unpack(t, 0, 1))
print(select("#", table.unpack(t, 1, 0)))
local h = {1, nil, 3}
print(table.unpack(h, 1, 3))
local kt = {[-2] = "m2", [-1] = "m1", [0] = "z"}
print(table.unpack(kt, -2, 0))
print(table.unpack({"a", "b", "c"}, 2.0, 3))
local function sum(...) local s = 0 for _, v in ipairs({...}) do s = s + v end return s end
local arr = {}
for i = 1, 200 do arr[i] = i end
print(sum(table.unpack(arr)))
print(select("#", table.unpack(arr, 50, 150)))
