-- __pairs metamethod
local backing = {c = 3, a = 1, b = 2}
local proxy = setmetatable({}, {__pairs = function(t)
  local keys = {}
  for k in pairs(backing) do keys[#keys + 1] = k end
  table.sort(keys)
  local i = 0
  return function()
    i = i + 1
    local k = keys[i]
    if k then return k, backing[k] end
  end, t, nil
end})
for k, v in pairs(proxy) do io.write(k, "=", v, " ") end
print()
local ranged = setmetatable({}, {__pairs = function(t) return function(_, i)
  i = i + 1
  if i <= 3 then return i, i * i end
end, t, 0 end})
for k, v in pairs(ranged) do io.write(k, ":", v, " ") end
print()
for k, v in next, proxy do print("raw next sees", k) end
print("ipairs ignores __pairs")
local extra = setmetatable({}, {__pairs = function() return function() return nil end, nil, nil, nil end})
for k in pairs(extra) do print("never") end
print("done")
