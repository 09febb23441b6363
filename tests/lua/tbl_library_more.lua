-- table.concat, insert, remove, move, sort (comparators, errors), unpack, pack
local t = {10, 20, 30}
table.insert(t, 40)
table.insert(t, 1, 5)
table.insert(t, 3, 15)
print(table.concat(t, ","), #t)
print(table.remove(t), table.remove(t, 1), table.remove(t, 2), table.concat(t, ","))
print(table.concat({}, ","), table.concat({1, 2.5, "x"}, " "), table.concat({1, 2, 3}, ", ", 2, 3))
print(table.concat({"a", "b", "c"}, "", 3, 2), pcall(table.concat, {1, {}, 3}))
local m = table.move({1, 2, 3, 4, 5}, 2, 4, 1)
print(table.concat(m, ","))
local m2 = table.move({1, 2, 3}, 1, 3, 3)
print(table.concat(m2, ","))
local dst = table.move({1, 2, 3}, 1, 3, 2, {"a"})
print(table.concat(dst, ","))
local words = {"pear", "Apple", "fig", "banana"}
table.sort(words)
print(table.concat(words, " "))
table.sort(words, function(a, b) return a:lower() < b:lower() end)
print(table.concat(words, " "))
local nums = {5, 2, 8, 1, 9, 3}
table.sort(nums, function(a, b) return a > b end)
print(table.concat(nums, " "))
local recs = {}
for i = 1, 12 do recs[i] = {key = i % 3, id = i} end
table.sort(recs, function(a, b) return a.key < b.key end)
local ids = {}
for i, r in ipairs(recs) do ids[i] = r.key .. ":" .. r.id end
print(table.concat(ids, " "))
print(pcall(table.sort, {3, 1, 2, 5, 4, 8, 7, 6, 10, 9, 12, 11, 14, 13}, function() return true end))
print(pcall(table.sort, {1, "a", 2}))
print(pcall(table.sort, {1, 2}, "nope"))
print(table.unpack({1, 2, 3}))
print(table.unpack({1, 2, 3}, 2))
print(table.unpack({1, 2, 3}, 2, 5))
print(select("#", table.unpack({}, 1, 3)))
local p = table.pack(1, nil, 3)
print(p.n, p[1], p[2], p[3])
print(pcall(table.insert, {}, 5, 1), pcall(table.insert, {}, 1, 2, 3))
print(pcall(table.remove, {}, 3))
print(table.remove({}), #t)
