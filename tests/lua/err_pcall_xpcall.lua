-- pcall and xpcall with message handlers
print(pcall(function(a, b) return a + b end, 2, 3))
print(pcall(function() error("fail") end))
print(xpcall(function() return "ok", 2 end, print))
print(xpcall(function() error("fail") end, function(m) return "handled: " .. m end))
print(xpcall(function() error({code = 7}) end, function(e) return e.code * 6 end))
print(xpcall(function(...) return select("#", ...) end, print, 1, 2, 3))
print(xpcall(function() local x = nil; return x.y end, function(m) return "H:" .. m end))
local depth = 0
print(xpcall(function() error("x") end, function(m) depth = depth + 1; return m .. "|" .. depth end))
print(pcall(pcall, error, "nested"))
print(pcall(xpcall))
print(pcall(xpcall, print))
print(select("#", pcall(function() end)))
print(select("#", pcall(error)))
print(pcall(function() return nil end))
local function risky(n)
  if n > 3 then error("too big: " .. n, 2) end
  return n * 2
end
for i = 2, 5 do
  local ok, r = pcall(risky, i)
  print(i, ok, r)
end
local ok, r = xpcall(risky, function(m) return "caught " .. m end, 10)
print(ok, r)
