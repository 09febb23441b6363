-- a complete binary tree of depth 16 kept alive while other garbage is created
local function make(d, v)
  if d == 0 then return {v = v} end
  return {v = v, l = make(d - 1, 2 * v), r = make(d - 1, 2 * v + 1)}
end
local root = make(16, 1)
local function count(n) if not n then return 0 end return 1 + count(n.l) + count(n.r) end
local function sum(n) if not n then return 0 end return n.v + sum(n.l) + sum(n.r) end
print(count(root), sum(root))
for round = 1, 5 do
  local garbage = make(10, round)
  collectgarbage("step")
  local _ = count(garbage)
end
collectgarbage()
local function depth_first_max(n) if not n.l then return n.v end return math.max(depth_first_max(n.l), depth_first_max(n.r)) end
print(count(root), depth_first_max(root))
