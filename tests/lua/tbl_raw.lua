-- rawget, rawset, rawequal, rawlen bypass metamethods
local log = {}
local mt = {
  __index = function(t, k) log[#log + 1] = "index " .. tostring(k); return "default" end,
  __newindex = function(t, k, v) log[#log + 1] = "newindex " .. tostring(k); rawset(t, k, v) end,
  __len = function() return 99 end,
  __eq = function() return true end,
}
local t = setmetatable({}, mt)
print(t.a, rawget(t, "a"))
t.b = 1
rawset(t, "c", 2)
print(rawget(t, "b"), rawget(t, "c"))
print(#t, rawlen(t))
local u = setmetatable({}, mt)
print(t == u, rawequal(t, u), rawequal(t, t))
print(rawequal(1, 1.0), rawequal("a", "a"), rawequal(nil, nil), rawequal(1, "1"))
print(table.concat(log, "; "))
print(rawset(t, 1, "x") == t, rawlen(t))
print(pcall(rawget, "str", 1))
print(pcall(rawset, t, 0/0, 1))
print(rawget(t, 0/0))
