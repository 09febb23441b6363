-- A big live heap: a binary tree many times larger than physical memory.
-- Run it with a small memory budget (2-4 MiB) and watch the page table:
-- the tree lives mostly in IndexedDB, and pages come in and go out
-- as the program walks it.
local DEPTH = 15
local PAD = string.rep("-", 320)

local function build(depth, id)
  -- Every node carries a string of its own: the heap grows to about 48 MiB.
  local node = { id = id, label = "node-" .. id .. PAD }
  if depth > 0 then
    node.left = build(depth - 1, 2 * id)
    node.right = build(depth - 1, 2 * id + 1)
  end
  return node
end

local function walk(node)
  if not node then return 0, 0 end
  local n1, s1 = walk(node.left)
  local n2, s2 = walk(node.right)
  return 1 + n1 + n2, (node.id % 1000) + #node.label + s1 + s2
end

print(("building a tree of depth %d ..."):format(DEPTH))
local root = build(DEPTH, 1)
local count, sum = walk(root)
print(("built %d nodes (checksum %d)"):format(count, sum))

-- The whole tree stays alive: walk it again, one subtree at a time.
for pass = 1, 3 do
  local subtree = root
  for _ = 1, pass do subtree = subtree.left end
  local n, s = walk(subtree)
  print(("pass %d: subtree of %d nodes, checksum %d"):format(pass, n, s))
end
local n, s = walk(root)
print(("whole tree again: %d nodes, checksum %d"):format(n, s))
