-- many distinct strings kept alive in a table
local N = 150000
local strs = {}
for i = 1, N do strs[i] = "item-" .. i .. "-" .. (i * 7 % 13) end
local total = 0
for i = 1, N do total = total + #strs[i] end
print(#strs, total)
local set = {}
for i = 1, N do set[strs[i]] = i end
local hits = 0
for i = 1, N, 3 do if set["item-" .. i .. "-" .. (i * 7 % 13)] == i then hits = hits + 1 end end
print("hits", hits)
local h = 0
for i = 1, N, 101 do
  local s = strs[i]
  for j = 1, #s do h = (h * 131 + s:byte(j)) % 4294967291 end
end
print("hash", h)
