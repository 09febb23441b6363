-- xpcall's message handler runs where the error happened, before the
-- stack unwinds: before __close, with its result passed to __close
local function closer(name)
  return setmetatable({}, {__close = function(_, e) print("close", name, e) end})
end

print(xpcall(function()
  local a <close> = closer("a")
  local b <close> = closer("b")
  error("E")
end, function(m) print("handler", m) return "H(" .. m .. ")" end))

-- an error in __close goes through the handler too
print(xpcall(function()
  local a <close> = closer("a")
  local x <close> = setmetatable({}, {__close = function(_, e) print("close x", e) error("in close", 0) end})
  error("first", 0)
end, function(m) print("handler", m) return "H(" .. m .. ")" end))

-- the handler's result, whatever it is
print(xpcall(error, function(m) return m .. "!" end, "boom"))
print(xpcall(function() error({code = 7}) end, function(e) return type(e) == "table" and e.code end))
print(xpcall(function() error() end, function(e) return tostring(e) end))
print(xpcall(function() return nil + 1 end, function(m) return select("#", m) end))
print(xpcall(function() return 1, 2, 3 end, print))
print(xpcall(nil, function(m) return "handled: " .. m end))

-- a handler that fails
print(xpcall(error, function(m) error("again") end))
print(pcall(xpcall, function() error("x") end, function(e) error(e) end))
local calls = 0
print(xpcall(error, function(m)
  calls = calls + 1
  if calls == 1 then error("once", 0) end
  return "second call got: " .. tostring(m)
end, "orig"))

-- the handler is not yieldable, and runs inside the erroring coroutine
local co = coroutine.wrap(function()
  print(xpcall(function() coroutine.yield("yielded") error("after yield", 0) end,
    function(m) return "h: " .. m .. " " .. tostring(coroutine.isyieldable()) end))
  return "done"
end)
print(co())
print(co())

-- errors inside metamethods and natives reach the handler with their messages
print(xpcall(function() local t = setmetatable({}, {__index = function() error("idx", 0) end}) return t.x end,
  function(m) return "got " .. m end))
print(xpcall(string.rep, function(m) return "native: " .. m end))
print(xpcall(function() local s = "x" .. {} end, function(m) return (m:gsub("^.-:%d+: ", "")) end))

-- nested xpcalls use the innermost handler
print(xpcall(function()
  local ok, m = xpcall(function() error("inner", 0) end, function(m) return "inner handler: " .. m end)
  print(ok, m)
  error("outer", 0)
end, function(m) return "outer handler: " .. m end))

-- stack overflow still reaches the handler
local depth = 0
local ok, m = xpcall(function() local function f() return 1 + f() end return f() end,
  function(m) depth = depth + 1 return m end)
print(ok, depth, string.find(m, "stack overflow") ~= nil)

-- a handler that recurses into a pcall of its own
print(xpcall(function() error("E1", 0) end, function(m)
  local ok2, m2 = pcall(error, "inside handler", 0)
  return m .. " / " .. tostring(ok2) .. " " .. m2
end))
