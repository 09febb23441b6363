-- __newindex with functions and tables
local log = {}
local t = setmetatable({}, {__newindex = function(t, k, v)
  log[#log + 1] = tostring(k) .. "=" .. tostring(v)
  rawset(t, k, v)
end})
t.a = 1
t.a = 2 -- existing key: no metamethod
t.b = 3
t[1] = "x"
print(table.concat(log, " "), t.a, t.b, t[1])
local store = {}
local p = setmetatable({}, {__newindex = store})
p.x = 10
print(rawget(p, "x"), store.x)
local ro = setmetatable({}, {__newindex = function(_, k) error("read-only: " .. k, 2) end, __index = {a = 1}})
print(ro.a, pcall(function() ro.b = 2 end))
local validated = setmetatable({}, {__newindex = function(t, k, v)
  if type(v) ~= "number" then error("numbers only", 2) end
  rawset(t, k, v)
end})
validated.n = 5
print(validated.n, pcall(function() validated.s = "str" end))
local chain2 = {}
local chain1 = setmetatable({}, {__newindex = chain2})
setmetatable(chain2, {__newindex = function(_, k, v) print("deep newindex", k, v) end})
chain1.q = "z"
print(rawget(chain1, "q"), rawget(chain2, "q"))
local count = 0
local track = setmetatable({}, {__newindex = function(t, k, v) count = count + 1; rawset(t, k, v) end})
for i = 1, 10 do track[i] = i end
for i = 1, 10 do track[i] = i * 2 end
print(count)
