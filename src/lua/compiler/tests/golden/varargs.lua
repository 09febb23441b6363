local function f(...)
  local a, b = ...
  local t = {...}
  local n = select('#', ...)
  return ..., 1
end
local x, y, z = f()
local p = {f()}
local q = {f(), 1}
local r = {1, f()}
print((f()))
return ...
