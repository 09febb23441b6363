local total, count, acclen = 0, 0, 0
local first, last
for round = 1, 36 do
  local parts = {}
  for i = 1, 20000 do parts[#parts + 1] = "item" .. (i + round) .. ";" end
  local s = table.concat(parts)
  for w in s:gmatch("item(%d+);") do if tonumber(w) % 3 == 0 then count = count + 1 end end
  local acc = ""
  for i = 1, 2000 do acc = acc .. string.format("%05d", i + round) end
  total = total + #s
  acclen = acclen + #acc
  first, last = s:sub(1, 12), acc:sub(-10)
end
print(total, count, acclen, first, last)
