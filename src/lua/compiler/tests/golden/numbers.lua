local a = 0x10, 0xff, 0XA, 0x7fffffffffffffff, 0xffffffffffffffff, 0x10000000000000000
local b = 1e10, 1E-5, 3.14, .5, 5., 0x1p4, 0xA.8p0, 0x.1p-2
local c = 9223372036854775807, 9223372036854775808, 1e308 * 10
local d = 65535, 65536, -65535, -65536, 100000, 1.0, 65536.0, -0.5
