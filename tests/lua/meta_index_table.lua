-- __index with a table
local defaults = {color = "red", size = 10}
local obj = setmetatable({size = 20}, {__index = defaults})
print(obj.color, obj.size, obj.missing)
defaults.color = "blue"
print(obj.color)
obj.color = "green"
print(obj.color, defaults.color)
print(rawget(obj, "size"), rawget(obj, "weight"))
local arr = setmetatable({}, {__index = {10, 20, 30}})
print(arr[1], arr[2], arr[4], #arr)
local s = setmetatable({}, {__index = string})
print(s.format("%d", 5))
