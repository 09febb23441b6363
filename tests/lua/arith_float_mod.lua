-- float modulo and floor division corner cases
local function f(x) return string.format("%.14g", x) end
print(f(5.5 % 2), f(-5.5 % 2), f(5.5 % -2), f(-5.5 % -2))
print(f(5.5 // 2), f(-5.5 // 2), f(5.5 // -2))
print(1 % math.huge, -1 % math.huge, 1 % -math.huge, -1 % -math.huge)
print(math.huge % 2 ~= math.huge % 2)
print(0.0 % 1, -0.0 % 1)
print(1e308 % 3)
print(2^53 % 2, (2^53 + 1) % 2)
print(10.5 // 1, -10.5 // 1)
print(f(0.3 % 0.1))
print(5 % 1.5, -5 % 1.5)
print(3.0 // 1.5, 3.0 % 1.5)
