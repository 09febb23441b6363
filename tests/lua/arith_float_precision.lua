-- precise float formatting using %.17g
local vals = {0.1, 0.2, 0.1 + 0.2, 1/3, 2/3, 1e-300 * 1e-300, 123.456, 2^-1074, 1.7976931348623157e308}
for _, v in ipairs(vals) do print(string.format("%.17g", v)) end
local acc = 0
for i = 1, 10 do acc = acc + 0.1 end
print(acc == 1, string.format("%.17g", acc))
print(string.format("%.17g", 100 * 1.1))
print(math.floor(0.1 * 3 * 10))
print(string.format("%.3f", 2.0005), string.format("%.2f", 1.005))
print(string.format("%.0f %.0f %.0f %.0f", 0.5, 1.5, 2.5, -0.5))
