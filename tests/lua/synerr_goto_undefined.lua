-- syntax error: goto to an undefined label
print("this never runs")
for i = 1, 3 do
  if i == 2 then goto continue end
end
::continu::
