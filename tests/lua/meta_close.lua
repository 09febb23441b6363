-- __close metamethod arguments and interaction with return values
local log = {}
local function res(name)
  return setmetatable({name = name}, {__close = function(self, err)
    log[#log + 1] = self.name .. ":" .. tostring(err)
  end})
end
local function use()
  local r1 <close> = res("r1")
  do
    local r2 <close> = res("r2")
  end
  local r3 <close> = res("r3")
  return "done"
end
print(use(), table.concat(log, " "))
log = {}
print(pcall(function()
  local r <close> = res("err")
  error("E", 0)
end), table.concat(log, " "))
log = {}
local co = coroutine.wrap(function()
  local r <close> = res("co")
  coroutine.yield(1)
  return 2
end)
print(co(), #log)
print(co(), table.concat(log, " "))
local function tail()
  local r <close> = res("tail")
  return tostring(#log)
end
log = {}
print(tail(), table.concat(log, " "))
local mt = {__close = function() end}
local ok, e = pcall(function()
  local x <close> = setmetatable({}, mt)
  getmetatable(x).__close = nil
end)
print(ok, e)
