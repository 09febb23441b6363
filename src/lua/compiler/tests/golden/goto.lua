for i = 1, 3 do
  for j = 1, 3 do
    if j == 2 then goto continue end
    print(i, j)
    ::continue::
  end
end
do
  goto a
  local x = 1
  ::a::
end
::top::
local y = 1
if y then goto top end
do local z; local function h() return z end; goto out end
::out::
