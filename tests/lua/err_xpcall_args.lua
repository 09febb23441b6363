-- xpcall handler receives the original error and may itself be given args
local function handler(e)
  if type(e) == "table" then return "table:" .. (e.id or "?") end
  return "str:" .. tostring(e)
end
print(xpcall(error, handler, "direct"))
print(xpcall(error, handler, {id = "T1"}))
print(xpcall(function(a, b) return a * b end, handler, 6, 7))
print(xpcall(function(a, b) return a * b end, handler, 6, nil))
local function handler_fails() error("handler broke") end
local ok, e = xpcall(function() error("first") end, handler_fails)
print(ok, type(e))
print(xpcall(function() return end, handler))
local count = 0
print(xpcall(function() error() end, function(m) count = count + 1 return m end), count)
