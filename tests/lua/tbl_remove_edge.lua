-- table.remove edge cases with #t and border positions
local t = {1, 2, 3}
print(table.remove(t, 3), #t)
print(table.remove(t, #t + 1), #t)
print(pcall(table.remove, t, #t + 2))
local e = {}
print(table.remove(e, 0), table.remove(e, 1), #e)
print(pcall(table.remove, e, 2))
print(pcall(table.remove, e, -1))
local s = {"a", "b", "c", "d"}
local removed = {}
while #s > 0 do removed[#removed + 1] = table.remove(s, (#s + 1) // 2) end
print(table.concat(removed, ","))
