-- next and pairs (printed in sorted order)
local t = {10, 20, 30, x = "a", y = "b", [true] = "yes", [2.5] = "float"}
local keys = {}
for k, v in pairs(t) do keys[#keys + 1] = tostring(k) .. "=" .. tostring(v) end
table.sort(keys)
print(table.concat(keys, " "))
print(next({}))
local one = {only = 1}
print(next(one))
print(next(one, "only"))
local count = 0
for _ in pairs({1, 2, 3, a = 1, b = 2}) do count = count + 1 end
print(count)
-- clearing fields during traversal is allowed
local clr = {}
for i = 1, 20 do clr["k" .. i] = i end
for k in pairs(clr) do clr[k] = nil end
print(next(clr))
-- assigning existing fields during traversal
local upd = {a = 1, b = 2, c = 3}
for k, v in pairs(upd) do upd[k] = v * 10 end
print(upd.a, upd.b, upd.c)
local f, s, c = pairs(t)
print(f == next, s == t, c)
local sum = 0
local k, v = next(t)
while k ~= nil do
  if type(v) == "number" then sum = sum + v end
  k, v = next(t, k)
end
print(sum)
