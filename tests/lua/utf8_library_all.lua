-- utf8: char, charpattern, codes, codepoint, len, offset (and their errors)
print(utf8.char(72, 228, 8364, 128512), utf8.char(), #utf8.char(0x7FFFFFFF))
print(utf8.charpattern == "[\0-\x7F\xC2-\xFD][\x80-\xBF]*")
local s = "aé€😀"
print(#s, utf8.len(s), utf8.len(s, 2), utf8.len(s, -4), utf8.len(""))
for p, c in utf8.codes(s) do io.write(p, ":", c, " ") end
print()
print(utf8.codepoint(s, 1, -1))
print(utf8.codepoint(s, 2), pcall(utf8.codepoint, s, 3))
print(utf8.offset(s, 1), utf8.offset(s, 2), utf8.offset(s, 3), utf8.offset(s, 4), utf8.offset(s, 5), utf8.offset(s, 6))
print(utf8.offset(s, -1), utf8.offset(s, -2), utf8.offset(s, 0, 3), utf8.offset(s, 0, 8))
print(pcall(utf8.offset, s, 1, 3), pcall(utf8.offset, s, 1, 100))
print(utf8.len("\xff"), utf8.len("ab\x80cd"), utf8.len("\xed\xa0\x80"), utf8.len("\xed\xa0\x80", 1, -1, true))
print(pcall(utf8.len, s, 100), pcall(utf8.len, s, 1, 100))
print(pcall(utf8.char, -1), pcall(utf8.char, 0x80000000))
print(pcall(function() for _ in utf8.codes("a\xffb") do end end))
print(pcall(function() for p, c in utf8.codes("\x80") do print(p, c) end end))
local n = 0
for _, c in utf8.codes("\u{10FFFF}\u{7FF}") do n = n + c end
print(n)
for ch in s:gmatch(utf8.charpattern) do io.write("[", ch, "]") end
print()
