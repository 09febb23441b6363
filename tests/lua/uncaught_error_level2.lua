-- error with level 2 blames the caller's line
local function check_positive(n)
  if n <= 0 then error("expected positive number", 2) end
  return n
end
print(check_positive(3))
local v = check_positive(-3)
print(v)
