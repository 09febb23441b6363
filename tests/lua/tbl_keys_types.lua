-- keys of different types
local f = function() end
local tk = {}
local t = {}
t[true] = "T"; t[false] = "F"; t[1] = "one"; t["1"] = "string one"; t[1.5] = "one and a half"
t[f] = "function"; t[tk] = "table"; t[-0.0] = "zero"; t[""] = "empty"
print(t[true], t[false], t[1], t["1"], t[1.5], t[f], t[tk], t[0], t[""])
print(t[{}], t[function() end])
local count = 0
for _ in pairs(t) do count = count + 1 end
print(count)
t[true] = nil
print(t[true])
local co = coroutine.create(function() end)
t[co] = "thread"
print(t[co])
t[math.maxinteger] = "max"; t[math.mininteger] = "min"
print(t[math.maxinteger], t[math.mininteger], t[2^63])
