-- math.ult, math.huge, math.pi and constants
print(math.ult(1, 2), math.ult(2, 1), math.ult(-1, 1), math.ult(1, -1), math.ult(0, 0))
print(math.ult(math.maxinteger, math.mininteger), math.ult(math.mininteger, -1))
print(math.huge, -math.huge, math.huge > math.maxinteger, math.huge == math.huge + 1)
print(string.format("%.14g", math.pi), math.pi == 3.141592653589793)
print(pcall(math.ult, 1.5, 2))
print(math.ult(1.0, 2))
print(math.type(math.huge), math.type(math.pi), math.type(math.maxinteger))
