-- __metatable protects metatables
local t = setmetatable({}, {__metatable = "locked", __index = {a = 1}})
print(getmetatable(t), t.a)
print(pcall(setmetatable, t, {}))
print(pcall(setmetatable, t, nil))
local f = setmetatable({}, {__metatable = false})
print(getmetatable(f))
print(pcall(setmetatable, f, {}))
local tbl = {}
local prot = setmetatable({}, {__metatable = tbl})
print(getmetatable(prot) == tbl)
print(getmetatable("string").__metatable)
print(getmetatable("abc").__index == string)
print(getmetatable(1), getmetatable(nil), getmetatable(print))
local plain = {}
local mt = {}
print(setmetatable(plain, mt) == plain, getmetatable(plain) == mt)
print(setmetatable(plain, nil) == plain, getmetatable(plain))
