local i = 0
while true do
  i = i + 1
  if i > 10 then break end
  if i == 5 then break; end
  local t = {}
  if i == 3 then local f = function() return t end break end
end
for j = 1, 10 do
  if j % 2 == 0 then goto cont end
  if j > 7 then break end
  ::cont::
end
repeat
  local z = i
  if z then break end
  local h = function() return z end
until h()
