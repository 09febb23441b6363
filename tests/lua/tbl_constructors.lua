-- table constructors
local function three() return 1, 2, 3 end
local function none() end
local t1 = {three()}
local t2 = {three(), three()}
local t3 = {(three())}
local t4 = {three(), 10}
local t5 = {none(), none()}
local t6 = {x = 1, y = 2, 3, 4, [10] = "ten", ["key with space"] = true; 5}
print(#t1, #t2, #t3, #t4, #t5)
print(table.concat(t2, ","), table.concat(t4, ","))
print(t6.x, t6.y, t6[1], t6[2], t6[3], t6[10], t6["key with space"])
local t7 = {[1] = "a", "b"}
print(t7[1])
local t8 = {"b", [1] = "a"}
print(t8[1])
local k = "dyn"
local t9 = {[k .. "1"] = 1, [k .. "2"] = 2, [1 + 1] = "two"}
print(t9.dyn1, t9.dyn2, t9[2])
local nested = {a = {b = {c = {d = "deep"}}}, list = {{1}, {2, 3}}}
print(nested.a.b.c.d, #nested.list, nested.list[2][2])
local t10 = {1, 2, nil, 4}
print(t10[4], t10[3])
local t11 = {...}
print(#t11)
local t12 = {f = function(self) return self.v end, v = 99}
print(t12:f())
local t13 = {[1.0] = "float one", [2] = "two"}
print(t13[1], #t13)
local t14 = {"x", "y", "z",}
print(#t14)
local big = {}
for i = 1, 60 do big[i] = i end
local copy = {table.unpack(big)}
print(#copy, copy[60])
