-- shift operators beyond 63 bits and negative shift amounts
for _, n in ipairs({0, 1, 31, 32, 62, 63, 64, 65, 100, -1, -63, -64, -65}) do
  print(n, 1 << n, -1 << n, math.mininteger >> n, 0xff >> n)
end
print(math.maxinteger << 1, math.maxinteger >> 62)
print(1 << math.maxinteger, 1 >> math.mininteger, 1 << math.mininteger)
