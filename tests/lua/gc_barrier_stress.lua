-- Mutates an object graph while the incremental collector runs almost back to back
-- (pause 120): stores into old tables, upvalues, coroutine stacks and table
-- resizes must keep every reachable object alive. The output does not
-- depend on when collection happens.
collectgarbage("incremental", 120, 100)

local seed = 12345
local function rand(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n + 1
end

local N = 200
local nodes = {}
for i = 1, N do nodes[i] = {id = i, links = {}, tag = "n" .. i} end

-- closures holding nodes in closed upvalues, replaced over time
local getters = {}
local function make_getter(node)
  local held = node
  return function(new)
    if new then held = new end
    return held
  end
end
for i = 1, 20 do getters[i] = make_getter(nodes[i]) end

-- a coroutine that keeps a node only on its stack between resumes
local co = coroutine.wrap(function()
  local mine = {id = -1, links = {}, tag = "co"}
  while true do
    local swap = coroutine.yield(mine.id)
    if swap then mine = swap end
  end
end)
co()

for step = 1, 4000 do
  local op = rand(7)
  local a, b = rand(N), rand(N)
  if op == 1 then
    -- a fresh node replaces an old one; only the new table keeps it
    nodes[a] = {id = step, links = {nodes[b]}, tag = "s" .. step}
  elseif op == 2 then
    -- an old node gets a reference to a fresh object
    local links = nodes[a].links
    links[step % 8 + 1] = {id = -step, links = {}, tag = "x"}
  elseif op == 3 then
    -- move a reference from one table to another and drop the original
    local from, to = nodes[a].links, nodes[b].links
    local v = from[1]
    from[1] = false
    if v then to[step % 8 + 1] = v end
  elseif op == 4 then
    -- grow a table (incremental resize) while it may be half scanned
    local t = nodes[a]
    for k = 1, 12 do t["f" .. (step + k) % 40] = {id = k, links = {}, tag = "g"} end
  elseif op == 5 then
    local g = getters[rand(#getters)]
    g({id = step, links = {g()}, tag = "u"})
  elseif op == 6 then
    co(nodes[a])
    nodes[a] = {id = a, links = {}, tag = "r" .. a}
  else
    local s = {}
    for k = 1, 5 do s[k] = nodes[rand(N)] end
    nodes[a].links = s
  end
end

-- every reachable object must still be intact (the set of reachable
-- objects and the sum do not depend on traversal order)
local seen, count, sum = {}, 0, 0
local stack = {}
local function push(t)
  if type(t) == "table" and not seen[t] then
    seen[t] = true
    stack[#stack + 1] = t
  end
end
for i = 1, N do push(nodes[i]) end
for i = 1, #getters do push(getters[i]()) end
while #stack > 0 do
  local t = stack[#stack]
  stack[#stack] = nil
  count = count + 1
  sum = (sum + t.id + #t.tag) % 1000000007
  for k = 1, 8 do push(t.links[k]) end
  for k = 0, 39 do push(t["f" .. k]) end
end
print("reachable", count, "checksum", sum, "coroutine holds", co())
