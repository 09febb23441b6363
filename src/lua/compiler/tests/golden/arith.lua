local a, b = 10, 3
local c = a + b, a - b, a * b
local d = a / b + a // b - a % b ^ 2
local e = -a, ~b, #"xyz", not a
local f = a + 1, a - 1, 1 + a, a * 2, 2 * a, a - 200, a + 300
local g = a & 1, 1 | a, a ~ 0xff, a << 2, a >> 3, 1 << a, 2 >> a
local h = 1 + 2 * 3 - 4 / 2, 7 // 2, 7 % 3, 2^10, 1/0, 0/0, -0.0, 3 // 0, 3 % 0
local i = a .. b .. "c" .. 1
local j = 5 & 3.0, 1 << 63, 1 >> -1, ~0, 10 // 3.0
x = a + 1.5; y = a * 1e300; z = a - 2.0
