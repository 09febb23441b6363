local a, b, c
local x = a and b
local y = a or b
local z = a and b or c
local w = not a and b
if a or b then print(1) end
if a and b then print(2) end
if not (a or b) then print(3) end
local v = a == b and 1 or 2
local u = nil and 1
local q = false or a
local p = 1 and 2
local r = (a and b) == c
while a and not b do a = b end
