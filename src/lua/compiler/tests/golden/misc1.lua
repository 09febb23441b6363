local function fact(n) if n <= 1 then return 1 else return n * fact(n - 1) end end
local a = {}
for i = 1, 10 do a[i] = function() return i end end
while true do local x = 1; local f = function() return x end; if f() then break end end
for k, v in pairs(a) do local g = function() return k, v end end
local s = 0
for i = 1, 100, 2 do s = s + i end
for i = 1, 0.5, -0.1 do s = s - i end
return fact(5), s
