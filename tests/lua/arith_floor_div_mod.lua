-- floor division and modulo on integers, signs
local pairs_ = {{7, 3}, {-7, 3}, {7, -3}, {-7, -3}, {0, 5}, {6, 3}, {-6, 3}, {1, 1}, {5, 7}, {-5, 7}}
for _, p in ipairs(pairs_) do
  local a, b = p[1], p[2]
  print(a, b, a // b, a % b, (a // b) * b + a % b == a)
end
print(7 // 2, 7.0 // 2, 7 // 2.0, -7 // 2.0)
print(7 % 2.0, -7 % 2.0, 7 % -2.0)
print(math.type(7 // 2), math.type(7 // 2.0))
print(3 // 0.5, 3 % 0.5)
print(math.mininteger // -1, math.mininteger % -1)
print(math.maxinteger // math.mininteger, math.maxinteger % math.mininteger)
print(math.mininteger // math.maxinteger, math.mininteger % math.maxinteger)
