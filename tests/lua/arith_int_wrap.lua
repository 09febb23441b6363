-- integer arithmetic wraps around (two's complement)
local maxi, mini = math.maxinteger, math.mininteger
print(maxi + 1 == mini, maxi + 1)
print(mini - 1 == maxi, mini - 1)
print(maxi * 2)
print(mini * -1)
print(-mini)
print(mini // -1)
print(mini % -1)
print(maxi * maxi)
print(0x7fffffff * 0x7fffffff)
print(1 << 63)
print((1 << 63) - 1)
local x = 1
for i = 1, 70 do x = x * 3 end
print(x)
local h = 0
for i = 1, 100 do h = h * 31 + i end
print(h)
print(maxi + 1.0)
print(math.type(maxi + 1), math.type(maxi + 1.0))
print(5 // 0.0, -5 // 0.0)
print(maxi - mini)
print(mini + mini)
