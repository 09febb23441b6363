-- structured error objects
local MyError = {}
MyError.__index = MyError
MyError.__tostring = function(e) return "MyError(" .. e.code .. "): " .. e.msg end
local function newError(code, msg) return setmetatable({code = code, msg = msg}, MyError) end
local function op(x)
  if x < 0 then error(newError(1, "negative")) end
  if x == 0 then error(newError(2, "zero")) end
  return 10 // x
end
for _, x in ipairs({5, 0, -3}) do
  local ok, r = pcall(op, x)
  if ok then print("ok", r)
  else print("err", getmetatable(r) == MyError, r.code, tostring(r)) end
end
local function try(f, catch)
  local ok, e = pcall(f)
  if not ok then return catch(e) end
  return e
end
print(try(function() error({kind = "io"}) end, function(e) return "caught kind " .. e.kind end))
print(try(function() return "no error" end, function() return "unused" end))
local ok, e = pcall(error, setmetatable({}, {__index = function(_, k) return "dyn_" .. k end}))
print(ok, e.anything)
local t = {}
ok, e = pcall(error, t)
print(ok, e == t)
