-- strings that are not numbers
local bad = {"abc", "1..2", "1.2.3", "0x1.2.3", "1e+", "e1", "x10", "10x", "1_000", "١", "0b101", "1,5",
  "+-1", "- 1", "0x-1", "\0001", "1\0"}
for _, s in ipairs(bad) do
  io.write(tostring(tonumber(s)), " ")
end
print()
print(tonumber("0x1P-2"), tonumber("1e-2"), tonumber("0x.8"))
print(tonumber(" 0x10 "), tonumber("- 1"))
