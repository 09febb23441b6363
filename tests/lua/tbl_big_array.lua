-- a 100000-element array
local N = 100000
local t = {}
for i = 1, N do t[i] = i * 3 end
print(#t, t[1], t[N])
local sum = 0
for i = 1, #t do sum = sum + t[i] end
print(sum)
local s2 = 0
for _, v in ipairs(t) do s2 = s2 + v end
print(s2 == sum)
for i = N, 1, -1 do if i % 2 == 0 then t[i] = nil end end
local cnt = 0
for _ in pairs(t) do cnt = cnt + 1 end
print(cnt)
local u = table.move(t, 1, N, 1, {})
print(u[1], u[3], u[2])
local rev = {}
for i = 1, N do rev[N - i + 1] = i end
print(rev[1], rev[N])
local str = {}
for i = 1, N do str[i] = i % 10 end
print(#table.concat(str))
table.sort(rev)
print(rev[1], rev[N // 2], rev[N])
