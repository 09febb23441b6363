-- build a live heap of 200000 small tables and checksum it
local N = 200000
local items = {}
for i = 1, N do items[i] = {id = i, value = (i * 31) % 1000, tag = i % 7} end
local sum, tags = 0, {}
for i = 1, N do
  local it = items[i]
  sum = sum + it.value * it.tag
  tags[it.tag] = (tags[it.tag] or 0) + 1
end
print(#items, sum)
local t = {}
for k = 0, 6 do t[#t + 1] = k .. ":" .. tags[k] end
print(table.concat(t, " "))
collectgarbage()
local check = 0
for i = N, 1, -997 do check = (check * 31 + items[i].id + items[i].value) % 1000000007 end
print("checksum", check)
