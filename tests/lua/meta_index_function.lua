-- __index as a function: computed fields, memoization
local calls = 0
local squares = setmetatable({}, {__index = function(t, n)
  calls = calls + 1
  local v = n * n
  rawset(t, n, v)
  return v
end})
print(squares[4], squares[4], squares[5], calls)
local fibs = setmetatable({[0] = 0, [1] = 1}, {__index = function(t, n)
  local v = t[n - 1] + t[n - 2]
  t[n] = v
  return v
end})
print(fibs[50], fibs[80])
local strict = setmetatable({}, {__index = function(_, k) error("undefined field '" .. tostring(k) .. "'", 2) end})
print(pcall(function() return strict.nope end))
local args = {}
local spy = setmetatable({}, {__index = function(t, k) args[#args + 1] = type(t) .. ":" .. tostring(k); return nil end})
local _ = spy[1], spy.x, spy[true]
print(table.concat(args, " "))
local vec = setmetatable({x = 3, y = 4}, {__index = function(t, k)
  if k == "len" then return math.sqrt(t.x ^ 2 + t.y ^ 2) end
end})
print(vec.len, vec.x)
