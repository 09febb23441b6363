-- string.byte and string.char
print(string.byte("A"), string.byte("ABC", 2), string.byte("ABC", -1))
print(string.byte("ABCDE", 2, 4))
print(string.byte("ABC", 1, -1))
print(string.byte("ABC", 10), select("#", string.byte("ABC", 10)))
print(select("#", string.byte("")))
print(string.byte("ABC", 0, 1))
print(string.char(72, 105), string.char(), #string.char(0, 0))
local all = {}
for i = 0, 255 do all[#all + 1] = string.char(i) end
local s = table.concat(all)
print(#s, s:byte(1), s:byte(256), s:byte(-1))
local sum = 0
for i = 1, #s do sum = sum + s:byte(i) end
print(sum)
print(pcall(string.char, 256))
print(pcall(string.char, -1))
print(pcall(string.char, "a"))
print(string.char("65", 66.0))
print(("hello"):byte(1, -1))
