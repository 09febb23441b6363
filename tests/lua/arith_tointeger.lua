-- math.tointeger conversions
print(math.tointeger(3.0), math.tointeger(3.5), math.tointeger(-0.0))
print(math.tointeger(2^62), math.tointeger(2^63), math.tointeger(-2^63))
print(math.tointeger(1e100), math.tointeger(0/0), math.tointeger(math.huge))
print(math.tointeger(7), math.tointeger(-7))
print(math.tointeger({}), math.tointeger(nil))
print(3.0 | 0, pcall(function() return 3.5 | 0 end))
print(string.format("%d", 3.0))
print(pcall(string.format, "%d", 3.5))
print(("x"):rep(2.0))
print(pcall(string.rep, "x", 2.5))
local t = {10, 20, 30}
print(t[2.0], table.concat(t, ",", 1.0, 2.0))
print(math.floor(-3.5), math.ceil(-3.5), math.floor(2^62 + 0.0))
