-- __unm and __len
local t = setmetatable({1, 2, 3}, {__len = function(self) return 42 end, __unm = function(self) return "negated" end})
print(#t, -t, rawlen(t))
local list = setmetatable({n = 0}, {__len = function(self) return self.n end})
list.n = 7
print(#list)
local strlen = setmetatable({}, {__len = function() return "not a number" end})
print(#strlen)
local multi = setmetatable({}, {__len = function() return 1, 2, 3 end})
print(#multi)
print(pcall(function() return #setmetatable({}, {__len = function() error("len error") end}) end))
local s = "abc"
print(#s)
local fl = setmetatable({}, {__len = function() return 2.5 end})
print(#fl)
