-- string methods via the string metatable
local s = "Hello"
print(s:len(), s:upper(), s:lower(), s:rep(2), s:sub(2, 3), s:byte(1), s:reverse())
print(("%d+%d"):format(1, 2), ("abc"):find("b"), ("x"):rep(3, "-"))
print(#s, s == "Hello", s .. "!" )
local mt = getmetatable("")
print(type(mt), mt.__index == string)
print(("test"):upper():lower():len())
string.shout = function(self) return self:upper() .. "!" end
print(("hi"):shout())
string.shout = nil
print(pcall(function() return ("x"):shout() end))
local n = 42
print(pcall(function() return n:len() end))
print(("a,b,c"):gsub(",", ";"))
print(#("abc"):rep(3))
