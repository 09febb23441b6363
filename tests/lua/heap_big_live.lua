-- A binary tree and a string table, both kept alive to the end.
local function tree(depth)
  if depth == 0 then return {value = 1} end
  return {left = tree(depth - 1), right = tree(depth - 1), value = depth}
end
local function sum(t)
  if t.left == nil then return t.value end
  return t.value + sum(t.left) + sum(t.right)
end
local forest = {}
for i = 1, 12 do forest[i] = tree(13) end
local names = {}
for i = 1, 60000 do names[i] = "name-" .. i .. "-" .. string.rep("x", i % 40) end
local total = 0
for i = 1, #forest do total = total + sum(forest[i]) end
local chars = 0
for i = 1, #names, 7 do chars = chars + #names[i] end
print(total, chars, #names[60000])
