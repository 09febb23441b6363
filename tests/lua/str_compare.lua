-- string comparison is bytewise
local words = {"banana", "Apple", "apple", "", "a", "ab", "abc", "B", "\0", "a\0", "zeta", "Zeta", "10", "9", "1"}
table.sort(words)
local out = {}
for i, w in ipairs(words) do out[i] = string.format("%q", w) end
print(table.concat(out, " "))
print("a" < "b", "a" < "B", "abc" < "abd", "abc" < "ab", "" < "\0")
print("x" == "x", "x" ~= "X", "a" .. "b" == "ab")
print(("\255" > "\127"), ("\128" > "z"))
print(math.max(#"abc", #"de"))
