local a = 1 // 0
local b = 1 % 0
local c = 1.0 // 0
local d = 2^0.5
local e = 0x7fffffffffffffff + 1
local f = -(-9223372036854775807 - 1)
local g = 3 & 1.5
local h = "10" + 1
local i = 1 << 64, 1 >> 64, -1 >> 1, 5 // -2, -5 % 3, 5.5 % -2, -0.0 * 1
local j = 1e308 * 10, -1e308 * 10, 0/0 == 0/0
local k = 7 // 2.0, 7.5 // 2, 2^2, 10 / 2
return a, b, c, d, e, f, g, h, i, j, k
