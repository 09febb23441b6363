-- coroutines resuming other coroutines
local function make(name, n)
  return coroutine.create(function()
    for i = 1, n do coroutine.yield(name .. i) end
    return name .. " done"
  end)
end
local a, b = make("a", 3), make("b", 2)
local sched = {a, b}
local out = {}
while #sched > 0 do
  local co = table.remove(sched, 1)
  local ok, v = coroutine.resume(co)
  out[#out + 1] = v
  if coroutine.status(co) ~= "dead" then sched[#sched + 1] = co end
end
print(table.concat(out, " "))
local depth = 0
local function nest(n)
  return coroutine.wrap(function()
    depth = depth + 1
    if n == 0 then coroutine.yield("leaf") return end
    local child = nest(n - 1)
    coroutine.yield("level" .. n .. ">" .. child())
  end)
end
print(nest(50)(), depth)
local outer = coroutine.create(function()
  local inner = coroutine.create(function()
    coroutine.yield("inner yield")
    return "inner return"
  end)
  local _, v1 = coroutine.resume(inner)
  coroutine.yield("outer got: " .. v1)
  local _, v2 = coroutine.resume(inner)
  return "outer end: " .. v2 .. " / " .. coroutine.status(inner)
end)
print(coroutine.resume(outer))
print(coroutine.resume(outer))
