-- utf8.len and utf8.offset
local s = "añb€c😀"
print(#s, utf8.len(s))
print(utf8.len(s, 3), utf8.len(s, 1, 3), utf8.len(s, -4))
print(utf8.len(""), utf8.len("abc", 4), utf8.len("abc", 2, 1))
print(utf8.len("\xff"), utf8.len("ab\x80cd"))
print(pcall(utf8.len, "abc", 5))
print(pcall(utf8.len, s, 3, 100))
for n = 1, 7 do io.write(tostring(utf8.offset(s, n)), " ") end
print()
for n = -1, -6, -1 do io.write(tostring(utf8.offset(s, n)), " ") end
print()
print(utf8.offset(s, 0, 3), utf8.offset(s, 0, 4), utf8.offset(s, 1, 4))
print(pcall(utf8.offset, s, 1, 3))
print(utf8.offset("abc", 5), utf8.offset("abc", -5))
local function sub(str, i, j)
  local a = utf8.offset(str, i)
  local b = utf8.offset(str, j + 1)
  return str:sub(a, b - 1)
end
print(sub(s, 2, 4), sub(s, 6, 6))
print(utf8.len("\u{7FFFFFFF}", 1, -1, true), utf8.len("\u{7FFFFFFF}"))
