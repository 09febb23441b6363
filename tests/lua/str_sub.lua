-- string.sub with all index combinations
local s = "Hello, Lua!"
local cases = {{1, 5}, {8}, {-4}, {-4, -2}, {0}, {0, 3}, {5, 2}, {-100, 3}, {3, 100}, {12}, {11, 11},
  {-1, -1}, {math.mininteger, math.maxinteger}, {2, -2}, {-3, 0}}
for _, c in ipairs(cases) do
  print(c[1], c[2], "[" .. s:sub(c[1], c[2]) .. "]")
end
print(("abc"):sub(2.0, 3.0))
print(pcall(string.sub, "abc", 1.5))
print(pcall(string.sub))
print(string.sub("", 1, 1) == "")
print(string.sub(12345, 2, 3))
