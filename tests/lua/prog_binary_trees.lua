-- binary trees (allocation benchmark at small depth)
local function bottom_up(depth)
  if depth == 0 then return {} end
  depth = depth - 1
  return {bottom_up(depth), bottom_up(depth)}
end
local function check(tree)
  if tree[1] then return 1 + check(tree[1]) + check(tree[2]) end
  return 1
end
local N = 10
local mindepth = 4
local maxdepth = math.max(mindepth + 2, N)
local stretch = maxdepth + 1
print(string.format("stretch tree of depth %d\t check: %d", stretch, check(bottom_up(stretch))))
local long_lived = bottom_up(maxdepth)
for depth = mindepth, maxdepth, 2 do
  local iters = 2 ^ (maxdepth - depth + mindepth) // 1
  local c = 0
  for i = 1, iters do c = c + check(bottom_up(depth)) end
  print(string.format("%d\t trees of depth %d\t check: %d", iters, depth, c))
end
print(string.format("long lived tree of depth %d\t check: %d", maxdepth, check(long_lived)))
-- binary search tree with insert/inorder/height
local BST = {}
local function insert(node, k)
  if not node then return {key = k} end
  if k < node.key then node.left = insert(node.left, k) elseif k > node.key then node.right = insert(node.right, k) end
  return node
end
local function inorder(node, out) if node then inorder(node.left, out); out[#out + 1] = node.key; inorder(node.right, out) end return out end
local function height(node) if not node then return 0 end return 1 + math.max(height(node.left), height(node.right)) end
local root
local x = 7
for i = 1, 50 do x = (x * 37 + 11) % 101; root = insert(root, x) end
local keys = inorder(root, {})
print(#keys, height(root), table.concat(keys, " ", 1, 15))
