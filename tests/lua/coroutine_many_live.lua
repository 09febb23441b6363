-- Many coroutines alive at once, each suspended mid-body: every one keeps
-- its own stack. Then a deep recursion inside a coroutine.
local N = 20000
local cos = {}
for i = 1, N do
  cos[i] = coroutine.create(function(a)
    local b = coroutine.yield(a + 1)
    local c = coroutine.yield(a + b)
    return a * b + c
  end)
  local ok, v = coroutine.resume(cos[i], i)
  assert(ok and v == i + 1)
end
print("created", #cos, coroutine.status(cos[1]), coroutine.status(cos[N]))
local sum = 0
for i = 1, N do
  local _, v = coroutine.resume(cos[i], 2)
  sum = sum + v
end
print("second resume", sum)
sum = 0
for i = N, 1, -1 do
  local _, v = coroutine.resume(cos[i], 3)
  sum = sum + v
end
print("finished", sum, coroutine.status(cos[1]))
cos = nil
collectgarbage()

local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
local co = coroutine.wrap(function(n) coroutine.yield(depth(n)) return "done" end)
print("deep in a coroutine", co(5000), co())
