local function f(a, b, ...)
  local t = {...}
  local n = select('#', ...)
  local x, y = ...
  local function g() return a, b end
  return g, t, n, x, y
end
local function h(...) return f(...) end
local function k(...) local a <close> = nil; return f(...) end
local function m(...) return (f(...)) end
local function n(...) return 1, f(...) end
return f, h, k, m, n
