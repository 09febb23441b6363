-- bitwise operators on integers
print(0xF0 & 0x3C, 0xF0 | 0x3C, 0xF0 ~ 0x3C, ~0xF0)
print(~0, ~-1, ~math.maxinteger == math.mininteger)
print(5 & -1, -1 | 0, -1 ~ -1)
print(1 << 0, 1 << 1, 1 << 62, 1 << 63)
print(-1 >> 1, -1 >> 63, math.mininteger >> 63)
print(256 >> 4, 256 << -4, 1 >> -3)
print(3.0 & 1, 2^10 | 0)
print(pcall(function() return "3" & 1 end))
print(string.format("%x", 0xdeadbeef ~ 0xffffffff))
print(math.type(1.0 | 0))
local x = 0
for i = 0, 62, 2 do x = x | (1 << i) end
print(string.format("%016x", x))
local pop = 0
local v = 0x123456789abcdef
while v ~= 0 do pop = pop + (v & 1); v = v >> 1 end
print("popcount", pop)
print((0xFF00 & 0x0FF0) >> 4)
print(7 ~ 2 & 3 | 8)
