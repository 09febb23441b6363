local function make(d)
  if d == 0 then return {} end
  return {make(d - 1), make(d - 1)}
end
local function check(t)
  if t[1] == nil then return 1 end
  return 1 + check(t[1]) + check(t[2])
end
local max_depth = 15
local long_lived = make(max_depth)
for d = 4, max_depth, 2 do
  local iters = 1 << (max_depth - d + 4)
  local c = 0
  for _ = 1, iters do c = c + check(make(d)) end
  print(iters, d, c)
end
print(check(long_lived))
