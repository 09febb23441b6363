-- coroutine.wrap
local gen = coroutine.wrap(function()
  for i = 1, 3 do coroutine.yield(i) end
  return "done"
end)
print(gen(), gen(), gen(), gen())
print(pcall(gen))
local echo = coroutine.wrap(function(...)
  local args = {...}
  while true do args = {coroutine.yield(table.unpack(args))} end
end)
print(echo(1, 2))
print(echo("a", "b", "c"))
print(echo())
local failing = coroutine.wrap(function() error("inside wrap") end)
print(pcall(failing))
local failing2 = coroutine.wrap(function() error({code = 5}) end)
local ok, e = pcall(failing2)
print(ok, type(e), e.code)
local nested = coroutine.wrap(function()
  local inner = coroutine.wrap(function() coroutine.yield("inner1"); coroutine.yield("inner2") end)
  coroutine.yield(inner())
  coroutine.yield(inner())
  coroutine.yield("outer")
end)
print(nested(), nested(), nested())
