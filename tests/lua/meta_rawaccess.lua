-- metamethods vs raw access in library functions
local mt = {__index = function(_, k) return "mt:" .. k end}
local t = setmetatable({"a", "b"}, mt)
print(t[1], t[3], rawget(t, 3))
print(table.concat(t, ","))
local lenmt = setmetatable({}, {__len = function() return 3 end, __index = function(_, i) return "v" .. i end})
print(table.concat(lenmt, ","))
print(table.unpack(lenmt))
local ins = setmetatable({}, {__newindex = function(t, k, v) rawset(t, k, v .. "!") end})
table.insert(ins, "x")
print(ins[1])
print(#setmetatable({}, {__index = {1, 2, 3}}))
local cnt = 0
for _ in ipairs(setmetatable({}, {__index = {1, 2, 3}})) do cnt = cnt + 1 end
print(cnt)
