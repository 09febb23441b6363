-- utf8.codes and utf8.codepoint
local s = "héllo, 世界!"
for p, c in utf8.codes(s) do io.write(p, ":", c, " ") end
print()
print(utf8.codepoint(s))
print(utf8.codepoint(s, 1, -1))
print(utf8.codepoint(s, 2))
print(pcall(utf8.codepoint, s, 3))
print(utf8.codepoint("", 1, 0))
print(pcall(utf8.codepoint, "\xff"))
local ok, err = pcall(function() for p, c in utf8.codes("ab\xffcd") do end end)
print(ok, err)
local cps = {}
for _, c in utf8.codes("日本語") do cps[#cps + 1] = string.format("U+%04X", c) end
print(table.concat(cps, " "))
print(utf8.codepoint("\u{10FFFF}"), utf8.codepoint("\u{7FFFFFFF}", 1, 1, true))
print(pcall(utf8.codepoint, "\u{7FFFFFFF}"))
