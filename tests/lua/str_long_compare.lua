-- comparing long strings (several hundred KiB): equality, order, table keys
local N = 300 * 1024
local a = string.rep("0123456789abcdef", N // 16)
local same = ("0123456789abcdef"):rep(N // 32) .. ("0123456789abcdef"):rep(N // 32)
local last = a:sub(1, N - 1) .. "g"
local first = "1" .. a:sub(2)
local middle = a:sub(1, N // 2) .. "!" .. a:sub(N // 2 + 2)
local shorter = a:sub(1, N - 1)
print(#a, #same, #last, #first, #middle, #shorter)

-- equality of equal-length strings that differ late, early, or not at all
print(a == same, a == last, a == first, a == middle, same == a, last ~= a)
print(a < last, last < a, a <= same, a >= same, a < same, middle < a, a < middle)
print(shorter < a, a < shorter, shorter <= a, first > a, a > first)

-- as table keys
local t = {}
t[a] = "a"
t[last] = "last"
t[middle] = "middle"
print(t[same], t[last], t[first], t[middle], t[shorter])
t[same] = "same"
print(t[a], t[last])
local n = 0
for k, v in pairs(t) do n = n + 1 end
print(n)
t[a] = nil
print(t[same], t[last], next(t) ~= nil)

-- in library functions
print(rawequal(a, same), rawequal(a, last), rawget(t, middle), select("#", rawget(t, same)))
local list = {last, a, middle, first, shorter}
table.sort(list)
local names = {}
local function name(s)
  if s == a then return "a" elseif s == last then return "last" elseif s == middle then return "middle"
  elseif s == first then return "first" else return "shorter" end
end
for i, s in ipairs(list) do names[i] = name(s) end
print(table.concat(names, " "))
table.sort(list, function(x, y) return x > y end)
for i, s in ipairs(list) do names[i] = name(s) end
print(table.concat(names, " "))

-- a loop that compares the same pair many times
local count = 0
for i = 1, 20 do
  if a == same then count = count + 1 end
end
print(count)
