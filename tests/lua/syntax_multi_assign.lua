-- multiple assignment evaluation rules
local a, b, c = 1, 2
print(a, b, c)
a, b = b, a
print(a, b)
local x, y = 1, 2, 3
print(x, y)
local function three() return 1, 2, 3 end
local p, q, r, s = three()
print(p, q, r, s)
p, q, r, s = 0, three()
print(p, q, r, s)
p, q, r, s = three(), 10
print(p, q, r, s)
p, q = (three())
print(p, q)

-- all expressions evaluated before assignment
local t = {1, 2, 3}
local i = 1
i, t[i] = i + 1, 20
print(i, t[1], t[2])

local u = {}
local k = "a"
k, u[k] = "b", "value"
print(k, u.a, u.b)

-- swap elements of a table
local arr = {10, 20, 30}
arr[1], arr[3] = arr[3], arr[1]
print(arr[1], arr[2], arr[3])

-- globals too
g1, g2 = "G1", "G2"
print(g1, g2)
g1, g2 = g2, g1
print(g1, g2)

-- nested table targets
local m = {inner = {}}
m.inner.x, m.inner.y = 5, 6
print(m.inner.x, m.inner.y)

-- function calls in the middle are truncated to one value
local l1, l2, l3 = three(), three(), three()
print(l1, l2, l3)
