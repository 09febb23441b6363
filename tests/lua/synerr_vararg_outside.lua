-- syntax error: '...' used in a non-vararg function
local function f(a, b)
  return ...
end
