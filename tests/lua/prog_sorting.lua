-- sorting algorithms implemented in Lua
local function quicksort(t, lo, hi)
  lo, hi = lo or 1, hi or #t
  if lo >= hi then return t end
  local pivot = t[(lo + hi) // 2]
  local i, j = lo, hi
  while i <= j do
    while t[i] < pivot do i = i + 1 end
    while t[j] > pivot do j = j - 1 end
    if i <= j then t[i], t[j] = t[j], t[i]; i = i + 1; j = j - 1 end
  end
  quicksort(t, lo, j); quicksort(t, i, hi)
  return t
end
local function mergesort(t)
  if #t <= 1 then return t end
  local mid = #t // 2
  local a = mergesort({table.unpack(t, 1, mid)})
  local b = mergesort({table.unpack(t, mid + 1)})
  local r, i, j = {}, 1, 1
  while i <= #a and j <= #b do
    if a[i] <= b[j] then r[#r + 1] = a[i]; i = i + 1 else r[#r + 1] = b[j]; j = j + 1 end
  end
  for k = i, #a do r[#r + 1] = a[k] end
  for k = j, #b do r[#r + 1] = b[k] end
  return r
end
local function heapsort(t)
  local n = #t
  local function sift(start, stop)
    local root = start
    while root * 2 <= stop do
      local child = root * 2
      if child + 1 <= stop and t[child] < t[child + 1] then child = child + 1 end
      if t[root] < t[child] then t[root], t[child] = t[child], t[root]; root = child else return end
    end
  end
  for s = n // 2, 1, -1 do sift(s, n) end
  for e = n, 2, -1 do t[1], t[e] = t[e], t[1]; sift(1, e - 1) end
  return t
end
local function insertion(t)
  for i = 2, #t do
    local v, j = t[i], i - 1
    while j >= 1 and t[j] > v do t[j + 1] = t[j]; j = j - 1 end
    t[j + 1] = v
  end
  return t
end
local function bubble(t)
  local n = #t
  repeat
    local swapped = false
    for i = 2, n do if t[i - 1] > t[i] then t[i - 1], t[i] = t[i], t[i - 1]; swapped = true end end
    n = n - 1
  until not swapped
  return t
end
local function counting(t, maxv)
  local c = {}
  for i = 0, maxv do c[i] = 0 end
  for _, v in ipairs(t) do c[v] = c[v] + 1 end
  local r = {}
  for v = 0, maxv do for _ = 1, c[v] do r[#r + 1] = v end end
  return r
end
local function data(n, seed)
  local t, x = {}, seed
  for i = 1, n do x = (x * 1664525 + 1013904223) % 4294967296; t[i] = x % 1000 end
  return t
end
local function copy(t) return {table.unpack(t)} end
local function same(a, b) if #a ~= #b then return false end for i = 1, #a do if a[i] ~= b[i] then return false end end return true end
local small = data(20, 42)
print("input     ", table.concat(small, " "))
print("quicksort ", table.concat(quicksort(copy(small)), " "))
print("mergesort ", table.concat(mergesort(copy(small)), " "))
print("heapsort  ", table.concat(heapsort(copy(small)), " "))
print("insertion ", table.concat(insertion(copy(small)), " "))
print("bubble    ", table.concat(bubble(copy(small)), " "))
print("counting  ", table.concat(counting(small, 999), " "))
local big = data(3000, 7)
local ref = copy(big)
table.sort(ref)
print(same(quicksort(copy(big)), ref), same(mergesort(copy(big)), ref), same(heapsort(copy(big)), ref),
  same(insertion(copy(big)), ref), same(counting(big, 999), ref))
print(ref[1], ref[1500], ref[3000])
local words = {"delta", "alpha", "echo", "charlie", "bravo"}
print(table.concat(quicksort(words), " "))
