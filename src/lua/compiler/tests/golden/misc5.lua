local t = {}
t[1], t[2], t[3] = 1, 2, 3
local i = 1
i, t[i] = i + 1, 20
t[i], i = 30, i + 1
local a = {b = {}}
a.b, a = 1, 2
local up = 1
local function g() up, t[up] = 2, 3 end
local function h() _ENV.x, _ENV = 1, {} end
return g, h
