local i = 1
::top::
if i < 3 then i = i + 1; goto top end
while i < 10 do
  i = i + 1
  if i % 2 == 0 then goto continue end
  print(i)
  ::continue::
end
repeat
  i = i - 1
  if i == 5 then goto done end
until i < 0
::done::
do
  local x = 1
  local f = function() return x end
  goto skip
  ::skip::
end
