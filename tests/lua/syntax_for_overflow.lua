-- 5.4 integer for loops never overflow
local maxi, mini = math.maxinteger, math.mininteger
local c = 0
for i = maxi - 2, maxi do c = c + 1; io.write(i, " ") end
print(c)
c = 0
for i = mini + 2, mini, -1 do c = c + 1; io.write(i, " ") end
print(c)
c = 0
for i = maxi - 10, maxi, 7 do c = c + 1; io.write(i, " ") end
print(c)
c = 0
for i = mini, mini + 5, maxi do c = c + 1; io.write(i, " ") end
print(c)
c = 0
for i = 1, 0, maxi do c = c + 1 end
print("empty", c)
c = 0
for i = maxi, mini, mini do c = c + 1; io.write(i, " ") end
print(c)
c = 0
for i = 0, maxi, maxi // 2 do c = c + 1 end
print("big step", c)
c = 0
for i = mini, maxi, maxi do c = c + 1; io.write(i, " ") end
print(c)
