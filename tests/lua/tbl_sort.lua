-- table.sort with default ordering
local nums = {5, 3, 8, 1, 9, 2, 7, 4, 6, 0}
table.sort(nums)
print(table.concat(nums, " "))
local strs = {"pear", "apple", "fig", "banana", "cherry", "Apple"}
table.sort(strs)
print(table.concat(strs, " "))
local mixed = {3, 1.5, -2, 2.25, 0, -0.5, 10}
table.sort(mixed)
print(table.concat(mixed, " "))
local one = {42}
table.sort(one)
print(one[1])
local empty = {}
table.sort(empty)
print(#empty)
local big = {}
local x = 12345
for i = 1, 2000 do
  x = (x * 1103515245 + 12345) % 2147483648
  big[i] = x % 1000
end
table.sort(big)
local ok = true
for i = 2, #big do if big[i - 1] > big[i] then ok = false end end
print("sorted", ok, big[1], big[1000], big[2000])
local dup = {3, 1, 3, 1, 2, 2, 3, 1}
table.sort(dup)
print(table.concat(dup, ""))
local rev = {}
for i = 1, 100 do rev[i] = 101 - i end
table.sort(rev)
print(rev[1], rev[50], rev[100])
