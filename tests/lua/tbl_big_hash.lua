-- large hash part with string and integer keys
local t = {}
for i = 1, 50000 do t["key" .. i] = i end
for i = 1, 50000 do t[i * 7919] = i end
local n = 0
local sum = 0
for k, v in pairs(t) do n = n + 1; sum = sum + v end
print(n, sum)
print(t.key1, t.key50000, t[7919], t[7919 * 50000])
for i = 1, 50000, 2 do t["key" .. i] = nil end
n = 0
for k in pairs(t) do n = n + 1 end
print(n)
print(t.key1, t.key2)
local set = {}
for i = 1, 30000 do set[i % 1000 + 0.5] = true end
n = 0
for _ in pairs(set) do n = n + 1 end
print(n)
