local a, b = 1, 2
if a < b then
  return a
elseif a > b then
  return b
end
if a then else end
if a == 1 then a = 2 end
local c = a <= 0 or b >= 10
local d = 5 < a and a < 10
local e = a ~= nil and b ~= false
local f = (a == 0.5) or (a ~= "s")
goto skip
a = 3
::skip::
return c, d, e, f
