local a <const> = 10
local b <close> = nil
local c <const> = "str"
local d <const> = a * 2
print(a, c, d)
local function f()
  local x <close> = setmetatable({}, {__close = print})
  return g()
end
do local e <close> = nil; print(e) end
local t <const> = {}
