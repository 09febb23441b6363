-- exponentiation always yields floats
print(2 ^ 10, 2 ^ 0.5 == math.sqrt(2), 2 ^ -2, (-8) ^ (1/3) ~= (-8) ^ (1/3))
print(math.type(2 ^ 2), 0 ^ 0, 0 ^ -1, (-2) ^ 3, (-2) ^ 2)
print(10 ^ 15, 10 ^ 16, 2 ^ 63, 2 ^ 64)
print(1 ^ math.huge, math.huge ^ 0, (-1) ^ 0.5 ~= (-1) ^ 0.5)
print("2" ^ "3", 4 ^ 0.5)
print(string.format("%.10g", 3 ^ 0.3))
