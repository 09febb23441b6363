-- hexadecimal floating-point literals and string conversion
local vals = {0x1p0, 0x1p-1, 0x1.8p1, 0xA.Bp2, 0x.8, 0x1P+10, 0x0.1p-4, 0xffp-8, 0x3.243F6A8885A3p0}
for i, v in ipairs(vals) do
  print(i, string.format("%.17g", v), math.type(v))
end
print(tonumber("0x1p4"), tonumber("0x1.8"), tonumber("  0x10p-1  "))
print(tonumber("0x"), tonumber("0xp1"), tonumber("0x1p"))
print(0x10 + 0, 0x10p0 + 0)
print(math.type(0x10), math.type(0x10p0))
