-- transcendental functions formatted to 10 significant digits
local function g(x) return string.format("%.10g", x) end
print(g(math.sqrt(2)), g(math.sqrt(16)), math.sqrt(16), math.sqrt(-1) ~= math.sqrt(-1))
print(g(math.exp(1)), g(math.exp(0)), g(math.exp(-1)))
print(g(math.log(math.exp(2))), g(math.log(100, 10)), g(math.log(8, 2)), g(math.log(1)))
print(g(math.log(1024, 2)), g(math.log(27, 3)), g(math.log(0.5, 2)))
print(math.log(0), math.log(8, 2), math.log(100, 10), math.log(1024, 4))
print(g(math.sin(0)), g(math.sin(math.pi / 2)), g(math.sin(math.pi / 6)))
print(g(math.cos(0)), g(math.cos(math.pi)), g(math.cos(math.pi / 3)))
print(g(math.tan(math.pi / 4)), g(math.atan(1)), g(math.atan(1, 1)), g(math.atan(-1, -1)))
print(g(math.asin(1)), g(math.acos(0)), g(math.acos(1)))
print(g(math.pi), g(math.rad(180)), g(math.deg(math.pi)))
print(g(math.exp(10)), g(2 ^ 0.5), g(10 ^ -3))
local sum = 0
for i = 1, 100 do sum = sum + math.sin(i) * math.cos(i) end
print(g(sum))
