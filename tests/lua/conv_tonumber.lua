-- tonumber with base 10 and automatic detection
local inputs = {"10", "  10  ", "10.5", "-10", "+10", "0x1F", "-0x1F", "0X1f", "1e3", "1E-2", ".5", "5.",
  "0x1p4", "  -7  ", "\t\n12\r", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
  "0xffffffffffffffff", "1e500", "inf", "nan", "0x", "", " ", "1 2", "12abc", "--1", "1e", "0.0", "-0"}
for i, s in ipairs(inputs) do
  local n = tonumber(s)
  print(i, string.format("%q", s), n, math.type(n))
end
print(tonumber(42), tonumber(4.5), tonumber(nil), tonumber(true), tonumber({}))
print(pcall(tonumber))
