-- anchors and special characters
print(("hello"):find("^h"), ("hello"):find("^e"))
print(("hello"):find("o$"), ("hello"):find("l$"))
print(("^caret"):find("^^"))
print(("a$b"):find("$b"))
print(("a$"):find("$$"))
print(string.match("hello", "^(h.-)l"))
print(string.gsub("aaa", "^a", "b"))
print(string.gsub("line1\nline2", "^", "> "))
print(("abc"):match("^abc$"), ("abcd"):match("^abc$"))
print(string.find("hello", "^", 3))
print(string.find("hello", "l", 3), string.find("hello", "^l", 3), string.find("hello", "^l", 4))
for m in ("aaa"):gmatch("^a") do io.write(m, ";") end
print()
