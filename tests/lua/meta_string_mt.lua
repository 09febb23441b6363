-- the string metatable and string arithmetic metamethods
local mt = getmetatable("")
print(type(mt.__index), mt.__add ~= nil, mt.__unm ~= nil)
print(("10") + 1, "3" * "4", -"2", "7" // 2, "7" % "4", "2" ^ "2", "9" / 3)
print(pcall(function() return "a" + 1 end))
print(pcall(function() return "10" + "b" end))
print(pcall(function() return {} + "1" end))
mt.__index.twice = function(s) return s .. s end
print(("ab"):twice())
mt.__index.twice = nil
print(("abc"):len(), ("x").len == string.len)
local s = "hello"
print(s.len == string.len, s:sub(2), #s)
