local t = setmetatable({}, {__index = function(t, k) return k end})
local x = t.a.b and t.c or t.d
local y = x == nil
local z = #t + -x * 2 ^ -3
t.x, t.y = t.y, t.x
local a, b, c = (function() return 1, 2, 3 end)()
print(("x"):rep(3), ("%d"):format(4))
local s = "a" .. 1 .. 2.5 .. x
local n = - - 3
local m = not not x
local k = ~ ~ 5
