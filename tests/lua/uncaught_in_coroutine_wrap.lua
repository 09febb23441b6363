-- an error inside coroutine.wrap propagates to the caller
local gen = coroutine.wrap(function()
  coroutine.yield(1)
  coroutine.yield(2)
  error("generator exhausted badly")
end)
print(gen())
print(gen())
print(gen())
