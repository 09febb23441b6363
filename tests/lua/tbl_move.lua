-- table.move
local function show(t, n) local o = {} for i = 1, n do o[i] = tostring(t[i]) end print(table.concat(o, " ")) end
local a = {1, 2, 3, 4, 5}
table.move(a, 2, 4, 1)
show(a, 5)
a = {1, 2, 3, 4, 5}
table.move(a, 1, 3, 3)
show(a, 5)
local b = table.move({1, 2, 3}, 1, 3, 2, {"x"})
show(b, 4)
local c = table.move({1, 2, 3}, 1, 0, 1, {})
print(#c)
print(table.move({}, 1, 0, 1) ~= nil)
local mt = setmetatable({}, {__index = function(_, k) return k * 10 end})
local d = table.move(mt, 1, 3, 1, {})
show(d, 3)
print(pcall(table.move, {}, 1, math.maxinteger, 2))
