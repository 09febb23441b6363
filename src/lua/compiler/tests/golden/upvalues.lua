local a, b = 1, 2
local function outer()
  local c = 3
  local function middle()
    local d = 4
    return function() a = a + b + c + d; return a end
  end
  return middle
end
local x = 1
local f = function() x = x + 1 end
local g = function() return function() return x end end
return outer, f, g
