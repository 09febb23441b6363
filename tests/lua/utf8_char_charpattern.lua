-- utf8.char and utf8.charpattern
print(utf8.char(72, 101, 108, 108, 111))
print(utf8.char(0x4e2d, 0x6587), #utf8.char(0x4e2d))
print(utf8.char(0x1F600), #utf8.char(0x1F600))
print(#utf8.char(0x7F), #utf8.char(0x80), #utf8.char(0x7FF), #utf8.char(0x800), #utf8.char(0xFFFF), #utf8.char(0x10000))
print(#utf8.char(0x10FFFF), #utf8.char(0x7FFFFFFF))
print(utf8.char(), utf8.char(65))
print(utf8.charpattern == "[\0-\x7F\xC2-\xFD][\x80-\xBF]*")
local s = "aé中😀"
local parts = {}
for c in s:gmatch(utf8.charpattern) do parts[#parts + 1] = #c end
print(table.concat(parts, ","))
print(pcall(utf8.char, 0x80000000))
print(pcall(utf8.char, "x"))
local b = {utf8.char(0xE9):byte(1, -1)}
print(table.concat(b, " "))
