-- passing multiple values in and out of coroutines
local co = coroutine.create(function(...)
  print("args", select("#", ...), ...)
  local r = table.pack(coroutine.yield())
  print("resumed with", r.n, table.unpack(r, 1, r.n))
  r = table.pack(coroutine.yield(nil, nil, 3))
  print("resumed with", r.n)
  return ...
end)
print(coroutine.resume(co, "x", nil, "z"))
print(coroutine.resume(co, 1, nil, nil))
print(coroutine.resume(co))
print(coroutine.resume(co))
local acc = coroutine.wrap(function(first)
  local total = first
  while true do
    local v = coroutine.yield(total)
    if v == nil then break end
    total = total + v
  end
  return "final " .. total
end)
print(acc(10), acc(5), acc(20), acc())
