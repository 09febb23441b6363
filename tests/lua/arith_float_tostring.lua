-- float to string conversion uses %.14g and keeps a '.0' marker
local vals = {1e15, 1e16, 0.1, 1e100, -0.0, 2^53, 2^63, -2^63, 1/3, 100.0, 123456789012345.0,
  1234567890123456.0, 1e-5, 0.5, 3.14159265358979, 1e14, 12.5e3, 2^24, 2^-10, -1.5, 255 / 5,
  7.0, 1e300 * 10, 2^1023, 5e-324}
for i, v in ipairs(vals) do print(i, v, tostring(v), v .. "") end
print(1e15 + 0.5)
print(10 / 2, 3 / 2, 2^2, 10 // 3.0)
print(string.format("%.14g", 0.1), string.format("%.17g", 0.1))
print(math.pi, -math.pi)
