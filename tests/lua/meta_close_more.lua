-- <close> variables: order, errors, multiple returns, loops, coroutines
local log = {}
local function closer(name)
  return setmetatable({}, {__close = function(_, err) log[#log + 1] = name .. "(" .. tostring(err) .. ")" end})
end
local function flush() print(table.concat(log, " ")); log = {} end
local function many()
  local a <close> = closer("a")
  local b <close> = closer("b")
  return 1, 2, 3
end
print(many())
flush()
local function vararg(...)
  local v <close> = closer("v")
  return ...
end
print(select("#", vararg(1, nil, 3, nil)))
flush()
print(pcall(function()
  local x <close> = closer("x")
  local y <close> = closer("y")
  error("E", 0)
end))
flush()
print(pcall(function()
  local x <close> = setmetatable({}, {__close = function() error("in close", 0) end})
  local y <close> = closer("y")
  return "normal"
end))
flush()
for i = 1, 3 do
  local c <close> = closer("i" .. i)
  if i == 2 then break end
end
flush()
local co = coroutine.wrap(function()
  local r <close> = closer("co")
  coroutine.yield("yielded")
  return "finished"
end)
print(co(), #log)
print(co())
flush()
local const <const> = 10
print(const * 2)
print(pcall(load, "local x <const> = 1; x = 2"))
print(load("local x <const> = 1; x = 2"))
print(load("local y <foo> = 1"))
do
  local a <close> = nil
  local b <close> = false
  print("nil and false are fine")
end
print(pcall(function() local z <close> = {} end))
