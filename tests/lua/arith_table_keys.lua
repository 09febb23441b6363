-- float keys with integral values are normalized to integers
local t = {}
t[1] = "int"
print(t[1.0])
t[2.0] = "float2"
print(t[2], math.type(next({[2.0] = true})))
t[1.5] = "frac"
print(t[1.5], t[1])
print(#t)
t[3] = "three"
print(#t, t[3.0])
local keys = {}
for k in pairs(t) do keys[#keys + 1] = string.format("%s(%s)", tostring(k), math.type(k)) end
table.sort(keys)
print(table.concat(keys, " "))
local u = {}
u[2^53] = "big"
print(u[2^53], u[9007199254740992])
u[-0.0] = "zero"
print(u[0], u[0.0])
u["1"] = "string one"
u[1] = "number one"
print(u["1"], u[1])
print(pcall(function() u[0/0] = 1 end))
print(pcall(function() u[nil] = 1 end))
print(u[nil], u[0/0])
local w = {[1] = "a", [1.0] = "b"}
print(w[1])
