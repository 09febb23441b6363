-- ipairs stops at the first nil
local t = {1, 2, 3, nil, 5}
for i, v in ipairs(t) do io.write(i, "=", v, " ") end
print()
for i, v in ipairs({}) do print("never") end
local s = {"a", "b", x = "ignored"}
for i, v in ipairs(s) do io.write(i, v, " ") end
print()
local proxy = setmetatable({}, {__index = function(_, i) if i <= 4 then return i * 100 end end})
for i, v in ipairs(proxy) do io.write(i, ":", v, " ") end
print()
local f, st, c = ipairs(s)
print(type(f), st == s, c)
print(f(s, 0))
print(f(s, 2))
local z = {[0] = "zero", "one"}
for i, v in ipairs(z) do io.write(i, v, " ") end
print()
local okk, fn, st2, c2 = pcall(ipairs, nil)
print(okk, type(fn), st2, c2)
print(pcall(function() for i, v in ipairs(nil) do end end))
