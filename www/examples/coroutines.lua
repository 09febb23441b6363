-- Coroutines: each is a thread with its own stack, in the heap like
-- everything else, so a checkpoint captures them mid-flight too.
local function producer(name, count)
  return coroutine.wrap(function()
    for i = 1, count do
      coroutine.yield(("%s-%d"):format(name, i))
    end
  end)
end

-- Round-robin over three generators of different lengths.
local sources = { producer("a", 3), producer("b", 5), producer("c", 2) }
while #sources > 0 do
  for i = #sources, 1, -1 do
    local item = sources[i]()
    if item then print("got " .. item) else table.remove(sources, i) end
  end
end

-- A pipeline: numbers -> squares -> running sum.
local numbers = coroutine.create(function()
  for i = 1, 6 do coroutine.yield(i) end
end)
local total = 0
while true do
  local ok, n = coroutine.resume(numbers)
  if not n then break end
  total = total + n * n
  print(("%d squared is %d, running sum %d"):format(n, n * n, total))
end
print("status of the finished coroutine: " .. coroutine.status(numbers))

-- Errors inside a coroutine come back to its resumer.
local co = coroutine.create(function() error("oops from inside", 0) end)
print(coroutine.resume(co))
