local parts = {}
for i = 1, 20000 do parts[#parts + 1] = "item" .. i .. ";" end
local s = table.concat(parts)
local count = 0
for w in s:gmatch("item(%d+);") do if tonumber(w) % 3 == 0 then count = count + 1 end end
local acc = ""
for i = 1, 2000 do acc = acc .. string.format("%05d", i) end
print(#s, count, #acc, s:sub(1, 12), acc:sub(-10))
