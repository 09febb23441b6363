-- Generational collection (lua.c's default mode): young objects kept only
-- by old tables, upvalues, coroutine stacks and metatables must survive
-- minor collections. The output does not depend on when collection happens.
assert(collectgarbage("generational") == "generational")

local seed = 7
local function rand(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n + 1
end

-- old structures: made, then made old by full collections
local big = {}
for i = 1, 3000 do big[i] = {id = i} end
local small = {}
local meta_holder = {}
collectgarbage()
collectgarbage()

-- closures over old upvalues
local counter_box = {n = 0}
local function keeper()
  local held
  return function(v) if v then held = v end return held end
end
local keep1, keep2 = keeper(), keeper()

-- a generator coroutine that keeps young objects on its stack across yields
local gen = coroutine.wrap(function()
  local acc = {}
  for i = 1, 1e9 do
    local young = {i = i, pad = "p" .. i}
    acc[#acc % 16 + 1] = young
    coroutine.yield(young)
    assert(young.pad == "p" .. i, "young object lost on a coroutine stack")
  end
end)

local total = 0
for step = 1, 60000 do
  local op = rand(6)
  if op == 1 then
    -- a young object stored in a big old table (promoted by the barrier)
    big[rand(#big)] = {id = step, child = {v = step}}
  elseif op == 2 then
    -- a small old table used as a ring of young objects (rescanned)
    small[step % 32 + 1] = {id = step}
  elseif op == 3 then
    local v = gen()
    total = total + v.i % 7
  elseif op == 4 then
    keep1({id = step, s = "k" .. step})
    keep2(keep1())
  elseif op == 5 then
    -- an old table gets a young metatable
    setmetatable(meta_holder, {__index = {id = step}})
  else
    local t = {}
    for k = 1, 8 do t[k] = {k} end
    counter_box.n = counter_box.n + #t
  end
end

local sum, n = 0, 0
for i = 1, #big do
  local e = big[i]
  sum = sum + e.id
  if e.child then
    assert(e.child.v == e.id)
    n = n + 1
  end
end
for i = 1, 32 do if small[i] then sum = sum + small[i].id end end
print("big", #big, n, "sum", sum)
print("keepers", keep1().id == keep2().id, keep1().s == "k" .. keep1().id)
print("metatable", meta_holder.id ~= nil, "counter", counter_box.n, "gen total", total)
print("next", gen().i)
collectgarbage()
print("after full collection", #big, small[1] ~= nil)
