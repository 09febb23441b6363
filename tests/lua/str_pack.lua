-- string.pack / string.unpack / string.packsize: the whole format language
local function hex(s)
  return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end
local function show(...)
  local t = table.pack(...)
  for i = 1, t.n do t[i] = tostring(t[i]) end
  return table.concat(t, " ")
end

-- integers of every size and both byte orders
for _, f in ipairs{"b", "B", "h", "H", "i", "I", "l", "L", "j", "J", "T", "i1", "i2", "i3", "i5", "i7", "i8", "I3", "I6"} do
  print(f, hex(string.pack("<" .. f, 100)), hex(string.pack(">" .. f, 100)), hex(string.pack("=" .. f, 1)))
end
print(hex(string.pack("<i16", -2)), hex(string.pack(">I16", 0x0102030405060708)))
print(hex(string.pack("<i9", math.mininteger)), hex(string.pack("<j", math.maxinteger)))
for _, v in ipairs{0, 1, -1, 127, -128, 32767, -32768, 2147483647, -2147483648, math.maxinteger, math.mininteger} do
  local s = string.pack("<j>j", v, v)
  print(v, string.unpack("<j>j", s))
end
print(string.unpack("<b B h H", "\255\255\255\255\0\128"))
print(string.unpack("<i3 I3 >i3 >I3", "\255\255\127\1\0\128\128\0\0\128\0\1"))
print(string.unpack("<i16", string.pack("<i16", -12345)), string.unpack(">I12", string.pack(">I12", 987654321)))
print(string.unpack("<i9", "\0\0\0\0\0\0\0\128\255"))

-- floats
for _, v in ipairs{0.0, -0.0, 1.5, -2.25, 1e300, 1/0, -1/0, 3.14159} do
  print(v, hex(string.pack("<d", v)), hex(string.pack(">f", v)), hex(string.pack("n", v)))
end
print(string.unpack("<f >d n", string.pack("<f >d n", 0.1, 0.1, 0.1)))
print(string.format("%.17g", (string.unpack("f", string.pack("f", 0.1)))))
print(math.type((string.unpack("d", string.pack("d", 3)))))

-- strings
print(hex(string.pack("s1", "abc")), hex(string.pack(">s2", "abc")), hex(string.pack("<s", "")))
print(hex(string.pack("z", "hello")), hex(string.pack("c5", "ab")), hex(string.pack("c0", "")))
print(string.unpack("s1 z c3", string.pack("s1 z c3", "one", "two", "six")))
print(string.unpack("z z z", "a\0bc\0\0"))
print(#string.pack("s4", string.rep("x", 1000)), string.unpack("s4", string.pack("s4", string.rep("x", 1000))) == string.rep("x", 1000))
print(hex(string.pack("i4", "12")), hex(string.pack("d", "2.5")), hex(string.pack("z", 42)))

-- padding and alignment
print(hex(string.pack("b x x b", 1, 2)))
print(hex(string.pack("!4 b i4", 1, 2)), hex(string.pack("! b d", 1, 2)), hex(string.pack("!2 b i8", 1, 2)))
print(hex(string.pack("b i4", 1, 2)), hex(string.pack("!8 b Xi4 b", 1, 2)), hex(string.pack("!8 b Xd", 1)))
print(hex(string.pack("!4 b s2", 1, "ab")), hex(string.pack("!4 b z b", 1, "ab", 2)), hex(string.pack("!4 c3 i4", "abc", 9)))
print(hex(string.pack(">!4 h i", 1, 2)), hex(string.pack("!16 b j", 1, 2)), hex(string.pack("!1 b i8", 1, 2)))
print(string.unpack("!4 b i4 b Xh h", string.pack("!4 b i4 b Xh h", 1, 2, 3, 4)))
print(string.unpack("!8 b Xd", "\1\0\0\0\0\0\0\0"))

-- sizes
for _, f in ipairs{"", "b", "h", "i", "j", "d", "f", "n", "T", "c10", "!4 b i4", "!8 b d b", "b Xi8", "!8 b Xi8",
                   "x x x", "i16 b", "<>=!", "i3 i7", "!2 i3", "c0 c1 c2", "  "} do
  print("[" .. f .. "]", string.packsize(f))
end

-- positions
local data = string.pack("i4 i4 i4", 10, 20, 30)
print(string.unpack("i4", data), string.unpack("i4", data, 5), string.unpack("i4", data, -4))
print(string.unpack("i4", data, -100), string.unpack("i4", data, 0), string.unpack("", data, 13))
print(string.unpack("", ""), string.unpack("b", "\5", 1), string.unpack("c0", "abc", 4))
local pos, acc = 1, {}
while pos <= #data do
  local v
  v, pos = string.unpack("i4", data, pos)
  acc[#acc + 1] = v
end
print(table.concat(acc, ","), pos)

-- errors, as the reference words them
local function e(...)
  local ok, m = pcall(...)
  print(ok, m)
end
e(string.pack, "y", 1)
e(string.pack, "i17", 1)
e(string.pack, "I0", 1)
e(string.pack, "c", "a")
e(string.pack, "!3 i4", 1)
e(string.pack, "!17", 1)
e(string.pack, "i3 !", 1)
e(string.pack, "X", 1)
e(string.pack, "Xc1", 1)
e(string.pack, "Xz", 1)
e(string.pack, "i1", 128)
e(string.pack, "i1", -129)
e(string.pack, "I1", 256)
e(string.pack, "I1", -1)
e(string.pack, "i2", 40000)
e(string.pack, "s1", string.rep("x", 256))
e(string.pack, "z", "a\0b")
e(string.pack, "c2", "abc")
e(string.pack, "i", "x")
e(string.pack, "i", 1.5)
e(string.pack, "d", {})
e(string.pack, "i", nil)
e(string.pack, "b b", 1)
e(string.pack)
e(string.pack, "c9999999999", "")
e(string.packsize, "s")
e(string.packsize, "z")
e(string.packsize, "c2147483647 c1")
e(string.packsize, "!3 i4")
e(string.unpack, "i4", "abc")
e(string.unpack, "z", "abc")
e(string.unpack, "i9", string.rep("\255", 8) .. "\1")
e(string.unpack, "I9", string.rep("\255", 8) .. "\255")
e(string.unpack, ">i10", "\0\1" .. string.rep("\0", 8))
e(string.unpack, "i4", "abcd", 6)
e(string.unpack, "s1", "\5ab")
e(string.unpack, "c4", "abc")
e(string.unpack, "!4 b i4", "\1\0\0\0\1\0\0")
e(string.unpack, "i4", {})
print(pcall(function() return string.pack("q") end))
print(pcall(function() return ("i4"):pack(2^53) end))
print(pcall(function() return string.unpack("b", "") end))
print(pcall(string.pack, "b b b", 1))
print(pcall(string.pack, "b b b b", 1))
print(pcall(string.pack, "b"))
print(pcall(string.pack, "b b", 1, 2, 3))
print(pcall(string.pack, "z z", "a"))
print(pcall(string.pack, "s1 s1 s1", "a"))
print(pcall(string.pack, "i4 i4 i4 i4", 1, 2))
