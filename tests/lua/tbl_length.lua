-- length operator on proper sequences
local t = {}
print(#t)
for i = 1, 10 do t[i] = i end
print(#t)
t[#t] = nil
print(#t)
t[#t + 1] = "x"
print(#t, t[10])
local s = {n = 1, 1, 2, 3}
print(#s)
local grow = {}
for i = 1, 1000 do grow[#grow + 1] = i * 2 end
print(#grow, grow[1000])
for i = 1, 500 do grow[#grow] = nil end
print(#grow, grow[#grow])
local strkeys = {a = 1, b = 2}
print(#strkeys)
print(#"string length", #{{}, {}, {}})
local m = {}
m[1] = 1; m[2] = 2; m[3] = 3
print(#m)
local z = {[1] = "a", [2] = "b", [3] = "c"}
print(#z)
print(#{n = 3})
print(rawlen({1, 2}), rawlen("abc"))
