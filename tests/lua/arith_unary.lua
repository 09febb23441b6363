-- unary minus, not, length
print(-1, - -1, -(-1.5), -0, -0.0)
print(-math.mininteger, -math.maxinteger)
print(not 1, not nil, not false, not 0, not "")
print(#"", #"abc", #{1, 2, 3}, #{})
local s = "hello"
print(-#s, #s .. "")
print(pcall(function() return -{} end))
print(pcall(function() return #5 end))
print(pcall(function() local n; return #n end))
print(-"0x10", -"  7  ")
