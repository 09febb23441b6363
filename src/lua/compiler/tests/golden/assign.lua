local a, b, c = 1
a, b = b, a
local t = {}
t[a], a = 1, 2
t.x, t = 1, 2
a, b, c = f()
a, b = 1, 2, 3
x, y = y, x
local u
u, x.y = 1, 2
