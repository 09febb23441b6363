-- permutations, combinations, and subsets in lexicographic order
local function next_permutation(a)
  local i = #a - 1
  while i >= 1 and a[i] >= a[i + 1] do i = i - 1 end
  if i < 1 then return false end
  local j = #a
  while a[j] <= a[i] do j = j - 1 end
  a[i], a[j] = a[j], a[i]
  local l, r = i + 1, #a
  while l < r do a[l], a[r] = a[r], a[l]; l = l + 1; r = r - 1 end
  return true
end
local a = {1, 2, 3, 4}
local perms = {table.concat(a)}
while next_permutation(a) do perms[#perms + 1] = table.concat(a) end
print(#perms)
print(table.concat(perms, " "))
local function combinations(n, k)
  local res, cur = {}, {}
  local function rec(start)
    if #cur == k then res[#res + 1] = table.concat(cur, ","); return end
    for i = start, n do
      cur[#cur + 1] = i
      rec(i + 1)
      cur[#cur] = nil
    end
  end
  rec(1)
  return res
end
local c = combinations(5, 3)
print(#c, table.concat(c, " "))
local function binom(n, k) local r = 1 for i = 1, k do r = r * (n - i + 1) // i end return r end
print(binom(5, 3), binom(20, 10), binom(60, 30))
local word = "aabb"
local letters = {}
for ch in word:gmatch(".") do letters[#letters + 1] = ch end
table.sort(letters)
local uniq = {table.concat(letters)}
while next_permutation(letters) do uniq[#uniq + 1] = table.concat(letters) end
print(#uniq, table.concat(uniq, " "))
local count = 0
local b = {}
for i = 1, 8 do b[i] = i end
repeat count = count + 1 until not next_permutation(b)
print("8! =", count)
