local a, b = ...
local r = {a < b, a <= b, a > b, a >= b, a == b, a ~= b}
local s = a < 1, a > 2, 1 < a, 3 >= a, a == 1, a ~= "x", a == nil, a == true, 1 == a
local t = a < 1.0, a == 2.5, a < 1000, a == 1000.0, 1000.0 < a
if a < b then print(1) elseif a == 2 then print(2) else print(3) end
if not a then x = 1 end
if a and b or c then y = 2 end
local v = a and b or c
local w = (a or b) and (c or d)
local z = not (a == b)
