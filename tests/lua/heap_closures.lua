-- many live closures each with its own upvalues
local N = 100000
local fs = {}
for i = 1, N do
  local a, b = i, i % 17
  fs[i] = function(x) return a * x + b end
end
local s = 0
for i = 1, N do s = s + fs[i](3) end
print(s)
local chain = function(x) return x end
for i = 1, 100 do
  local prev, k = chain, i
  chain = function(x) return prev(x) + k end
end
print(chain(0))
collectgarbage()
print(fs[N](1), fs[1](1))
