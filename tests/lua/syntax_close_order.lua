-- <close> variables are closed in reverse order on scope exit
local function closer(name)
  return setmetatable({}, {__close = function(self, err)
    print("close", name, err)
  end})
end

do
  local a <close> = closer("a")
  local b <close> = closer("b")
  local c <close> = closer("c")
  print("in block")
end
print("after block")

local function f()
  local x <close> = closer("x")
  local y <close> = closer("y")
  return "ret"
end
print(f())

for i = 1, 2 do
  local z <close> = closer("loop" .. i)
  if i == 2 then break end
  print("iter", i)
end

-- nil and false are allowed and ignored
do
  local n <close> = nil
  local f2 <close> = false
  print("nil/false close ok")
end

-- return values are computed before closing
local function g()
  local v = {count = 0}
  local h <close> = setmetatable({}, {__close = function() v.count = v.count + 1 end})
  return v.count, v
end
local c1, v = g()
print(c1, v.count)

-- goto out of a block closes too
do
  local i = 0
  ::again::
  do
    local q <close> = closer("goto" .. i)
    i = i + 1
    if i < 3 then goto again end
  end
end

-- value without __close is an error
local ok, err = pcall(function()
  local bad <close> = {}
end)
print(ok, err)
