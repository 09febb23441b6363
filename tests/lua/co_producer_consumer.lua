-- producer/consumer with a filter in between
local function producer(items)
  return coroutine.create(function()
    for _, item in ipairs(items) do coroutine.yield(item) end
    return nil
  end)
end
local function receive(prod)
  local ok, v = coroutine.resume(prod)
  return v
end
local function filter(prod)
  return coroutine.create(function()
    local line = 1
    while true do
      local x = receive(prod)
      if x == nil then return nil end
      coroutine.yield(string.format("%3d: %s", line, x))
      line = line + 1
    end
  end)
end
local function consumer(prod)
  local out = {}
  while true do
    local x = receive(prod)
    if x == nil then break end
    out[#out + 1] = x
  end
  return out
end
local lines = consumer(filter(producer({"alpha", "beta", "gamma", "delta"})))
for _, l in ipairs(lines) do print(l) end
local queue = {}
local prod = coroutine.wrap(function()
  for i = 1, 10 do
    queue[#queue + 1] = i
    if #queue == 3 then coroutine.yield() end
  end
  coroutine.yield()
end)
local batches = {}
for b = 1, 4 do
  prod()
  batches[#batches + 1] = table.concat(queue, ",")
  queue = {}
end
print(table.concat(batches, " | "))
