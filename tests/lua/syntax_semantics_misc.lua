-- select('#'), division by zero, integer overflow in for loops, coercions, goto
print(select("#"), select("#", nil), select("#", nil, nil), select(2, "a", "b", "c"), select(-1, "a", "b"))
print(pcall(select, 0, 1), pcall(select, -3, 1))
print(pcall(function() return 1 // 0 end))
print(pcall(function() return 1 % 0 end))
print(1 // 0.0, -1 // 0.0, 1 % 0.0 ~= 1 % 0.0, 1.0 // 0)
local n = 0
for i = math.maxinteger - 2, math.maxinteger do n = n + 1 end
print(n)
n = 0
for i = math.mininteger + 2, math.mininteger, -1 do n = n + 1 end
print(n)
n = 0
for i = 1, 0 do n = n + 1 end
for i = 0, 1, 0.25 do n = n + 1 end
print(n)
for i = 3, 1, -1 do io.write(i, " ") end
print()
print(pcall(function() for i = 1, 10, 0 do end end))
print(pcall(function() for i = "a", 2 do end end))
print("10" + 1, "0x10" * 1, "1e1" // 1, 10 .. 20, 2 .. "", -"3")
print(10 == "10", 0 == -0, 1 == 1.0, "abc" < "abd", math.type(2^53))
print(tonumber("  12  "), tonumber("1e"), tonumber("0x"), tonumber("z", 36), tonumber("7", 8))
do
  local i = 1
  ::top::
  if i <= 3 then io.write("g", i, " "); i = i + 1; goto top end
  print()
end
for i = 1, 3 do
  for j = 1, 3 do
    if j == 2 then goto continue end
    io.write(i, j, " ")
    ::continue::
  end
end
print()
local fns = {}
for i = 1, 3 do fns[i] = function() return i end end
print(fns[1](), fns[2](), fns[3]())
local a, b, c = (function() return 1, 2, 3 end)()
local d, e = ((function() return 1, 2, 3 end)())
print(a, b, c, d, e)
print(#{1, 2, 3, nil}, #{n = 1}, #"", #{(function() return 1, 2 end)()})
