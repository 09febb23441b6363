-- table.insert and table.remove at various positions
local function show(t) print(#t, table.concat(t, " ")) end
local t = {}
table.insert(t, "a")
table.insert(t, "b")
table.insert(t, 1, "c")
table.insert(t, 2, "d")
table.insert(t, #t + 1, "e")
show(t)
print(table.remove(t))
show(t)
print(table.remove(t, 1))
show(t)
print(table.remove(t, 2))
show(t)
print(table.remove({}))
print(table.remove({}, 0))
local u = {1, 2, 3}
print(table.remove(u, #u + 1))
show(u)
local v = {"only"}
print(table.remove(v, 1), #v)
local w = {}
for i = 1, 10 do table.insert(w, 1, i) end
show(w)
while #w > 0 do io.write(table.remove(w, 1), " ") end
print()
local q = {n = 0}
table.insert(q, "x")
print(q[1], q.n)
local e = {}
print(table.remove(e, #e))
local z = {[0] = "zero"}
print(table.remove(z, 0), z[0])
