-- character classes: count matches over all 128 ASCII characters
local all = {}
for i = 0, 127 do all[#all + 1] = string.char(i) end
local ascii = table.concat(all)
for _, cls in ipairs({"%a", "%c", "%d", "%g", "%l", "%p", "%s", "%u", "%w", "%x",
                      "%A", "%C", "%D", "%G", "%L", "%P", "%S", "%U", "%W", "%X", "."}) do
  local _, n = ascii:gsub(cls, "")
  print(cls, n)
end
print(("a1 B2_c3"):gsub("[%a_]", "*"))
print(("a-b]c^d"):gsub("[%]%-%^]", "."))
print(("abcxyz"):gsub("[^a-c]", "_"))
print(("Hello"):gsub("[A-Z]", "%0%0"))
print(("a.b"):gsub("[.]", "!"))
print(("x]y"):gsub("[]]", "#"))
print(("x^y"):gsub("[a^]", "#"))
print(("a-z"):gsub("[a-]", "#"))
