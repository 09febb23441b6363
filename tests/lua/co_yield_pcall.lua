-- yielding across pcall and metamethods
local co = coroutine.create(function()
  local ok, v = pcall(function()
    local x = coroutine.yield("from inside pcall")
    if x == "fail" then error("failing after resume", 0) end
    return x
  end)
  coroutine.yield("pcall returned " .. tostring(ok) .. " " .. tostring(v))
  local ok2, v2 = pcall(function()
    coroutine.yield("second pcall")
    error("boom", 0)
  end)
  return "end: " .. tostring(ok2) .. " " .. v2
end)
print(coroutine.resume(co))
print(coroutine.resume(co, "value"))
print(coroutine.resume(co))
print(coroutine.resume(co))
print(coroutine.status(co))
local mt = {__index = function(t, k) return coroutine.yield("yield in __index " .. k) end}
local co2 = coroutine.wrap(function()
  local t = setmetatable({}, mt)
  return "got " .. t.foo
end)
print(co2())
print(co2("bar"))
local co3 = coroutine.wrap(function()
  local r = {}
  for i = 1, 3 do
    local ok, v = xpcall(function() return coroutine.yield(i) end, function(m) return m end)
    r[#r + 1] = v
  end
  return table.concat(r, ",")
end)
print(co3(), co3("a"), co3("b"), co3("c"))
local co4 = coroutine.wrap(function()
  local t = setmetatable({}, {__lt = function(a, b) return coroutine.yield("comparing") end})
  if t < t then return "less" else return "not less" end
end)
print(co4(), co4(true))
