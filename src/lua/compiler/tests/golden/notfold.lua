local a = not nil, not false, not true, not 0, not "", not {}
local b = nil and 1, false or 2, true and 3, 1 or 2
local c = not not nil
if nil then print(1) end
if false then print(2) else print(3) end
if 1 then print(4) end
while false do end
repeat until true
local d = "a" == "a", 1 == 1, 1 < 2, 2 >= 1
