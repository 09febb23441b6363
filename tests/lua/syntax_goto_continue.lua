-- goto used as 'continue' in several loop kinds
for i = 1, 10 do
  if i % 3 == 0 then goto continue end
  io.write(i, " ")
  ::continue::
end
print()

local i = 0
while i < 10 do
  i = i + 1
  if i % 2 == 0 then goto next end
  io.write(i, " ")
  ::next::
end
print()

local j = 0
repeat
  j = j + 1
  if j == 3 then goto skip end
  io.write(j, " ")
  ::skip::
until j >= 6
print()

for _, w in ipairs({"a", "", "b", "", "c"}) do
  if w == "" then goto cont end
  do
    local up = w:upper()
    io.write(up)
  end
  ::cont::
end
print()

-- backward goto forming a loop
local n = 0
::top::
n = n + 1
if n < 5 then goto top end
print("n =", n)
