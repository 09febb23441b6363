-- nested tables and deep copy
local function deepcopy(o)
  if type(o) ~= "table" then return o end
  local r = {}
  for k, v in pairs(o) do r[deepcopy(k)] = deepcopy(v) end
  return r
end
local function dump(o, indent)
  indent = indent or ""
  if type(o) ~= "table" then return tostring(o) end
  local keys = {}
  for k in pairs(o) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = indent .. "  " .. tostring(k) .. ": " .. dump(o[k], indent .. "  ") end
  return "{\n" .. table.concat(parts, ",\n") .. "\n" .. indent .. "}"
end
local orig = {name = "root", list = {1, 2, {3, 4}}, meta = {flag = true, inner = {x = 1}}}
local copy = deepcopy(orig)
copy.list[3][1] = 99
copy.meta.inner.x = 2
print(orig.list[3][1], copy.list[3][1], orig.meta.inner.x, copy.meta.inner.x)
print(dump(copy))
local grid = {}
for i = 1, 5 do
  grid[i] = {}
  for j = 1, 5 do grid[i][j] = i * j end
end
for i = 1, 5 do print(table.concat(grid[i], "\t")) end
local cyc = {}
cyc.self = cyc
print(cyc.self.self.self == cyc)
