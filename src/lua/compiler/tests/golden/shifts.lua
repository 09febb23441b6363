local x, y = ...
local a = x << 1, x >> 1, x << -1, x >> -1, 1 << x, 200 << x, x << 200, x >> 128
local b = x & y, x | y, x ~ y, ~x, x & 0xff, 0xff & x, x | 1.0, 3 ~ x
local c = x // 2, x % 2, x ^ 2, x / 2, 2 // x, 2 % x, 2 ^ x, 2 / x
local d = x - 1, x - -1, x - 127, x - 128, x + -128, x - 1.5, 1 - x
