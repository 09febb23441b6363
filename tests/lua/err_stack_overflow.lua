-- infinite non-tail recursion is caught as a stack overflow
local function runaway(n) return 1 + runaway(n + 1) end
local ok, msg = pcall(runaway, 1)
print("failed:", not ok)
print("is stack overflow:", string.find(msg, "stack overflow", 1, true) ~= nil)
local function build(n) local t = {build(n + 1)} return t end
ok, msg = pcall(build, 1)
print("failed:", not ok)
print("is stack overflow:", string.find(msg, "stack overflow", 1, true) ~= nil)
local mt = {}
mt.__index = function(t, k) return t[k .. "x"] end
local deep = setmetatable({}, mt)
ok, msg = pcall(function() return deep.a end)
print("index loop failed:", not ok)
print("still running")
local function fine(n) if n == 0 then return 0 end return 1 + fine(n - 1) end
print(fine(5000))
