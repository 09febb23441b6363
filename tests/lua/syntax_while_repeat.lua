-- while and repeat loops, break, and repeat-until scoping
local i = 0
while true do
  i = i + 1
  if i > 5 then break end
end
print(i)
local n, steps = 27, 0
while n ~= 1 do
  if n % 2 == 0 then n = n // 2 else n = 3 * n + 1 end
  steps = steps + 1
end
print("collatz steps", steps)
local k = 0
repeat
  local doubled = k * 2
  k = k + 1
until doubled >= 10 -- local visible in the condition
print(k)
local r = 0
repeat r = r + 1 until true
print(r)
local outer = 0
while outer < 3 do
  outer = outer + 1
  local inner = 0
  while true do
    inner = inner + 1
    if inner == outer then break end
  end
  io.write(outer, ":", inner, " ")
end
print()
local fns = {}
local j = 0
repeat
  j = j + 1
  local captured = j
  fns[#fns + 1] = function() return captured end
until captured == 3
print(fns[1](), fns[2](), fns[3]())
while false do print("never") end
local cnt = 0
for _ = 1, 3 do
  repeat
    cnt = cnt + 1
    if cnt % 2 == 0 then break end
  until false
end
print(cnt)
