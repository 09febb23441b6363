-- ends with error("boom")
local function work(n)
  print("working", n)
  if n == 3 then error("boom") end
end
for i = 1, 5 do work(i) end
