-- tonumber with explicit bases 2..36
print(tonumber("1010", 2), tonumber("777", 8), tonumber("ff", 16), tonumber("FF", 16))
print(tonumber("zz", 36), tonumber("ZZ", 36), tonumber("10", 36), tonumber("z", 36))
for base = 2, 36 do
  io.write(tonumber("11", base), " ")
end
print()
print(tonumber("  101  ", 2), tonumber("-101", 2), tonumber("+7", 8))
print(tonumber("2", 2), tonumber("8", 8), tonumber("g", 16), tonumber("1.0", 10))
print(tonumber("7fffffffffffffff", 16), tonumber("8000000000000000", 16), tonumber("ffffffffffffffff", 16))
print(tonumber("10000000000000000", 16))
print(tonumber("", 10), tonumber(" ", 10), tonumber("-", 10))
print(tonumber("0x10", 16), tonumber("10", 10))
print(pcall(tonumber, "10", 1))
print(pcall(tonumber, "10", 37))
print(pcall(tonumber, 10, 16))
print(tonumber("1e1", 10), tonumber("1e1", 16))
print(math.type(tonumber("10", 10)))
print(tonumber("Lua", 36), tonumber("lua", 36))
