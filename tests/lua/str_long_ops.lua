-- operations on longer strings
local parts = {}
for i = 1, 1000 do parts[i] = tostring(i) end
local s = table.concat(parts, ",")
print(#s, s:sub(1, 20), s:sub(-20))
local _, commas = s:gsub(",", ",")
print("commas", commas)
local sum = 0
for n in s:gmatch("%d+") do sum = sum + tonumber(n) end
print("sum", sum)
local big = string.rep("abcdefghij", 10000)
print(#big, big:find("jab", 50000, true), big:byte(-1))
print(#big:upper(), big:upper():sub(1, 5))
local acc = ""
for i = 1, 200 do acc = acc .. string.char(65 + i % 26) end
print(#acc, acc:sub(1, 30))
print(select(2, big:gsub("a", "")))
print(("x"):rep(5000):find("y"))
