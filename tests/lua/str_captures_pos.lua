-- position captures and nested captures
print(string.find("hello", "()ll()"))
print(string.match("hello", "()(l+)()"))
print(string.gsub("abc", "()", "%1"))
print(string.match("  word  ", "()%a+()"))
local s = "key1=val1&key2=val2"
for s1, k, e1, v in s:gmatch("()(%w+)=()(%w+)") do print(s1, k, e1, v) end
print(string.match("((a)(b(c)))", "%((%((%a)%)(%a%((%a)%)))%)"))
print(string.match("abcd", "(a(b(c(d))))"))
print(pcall(string.match, "x", "(()"))
print(pcall(string.match, "x", "%1"))
print(pcall(string.match, "x", "x)"))
