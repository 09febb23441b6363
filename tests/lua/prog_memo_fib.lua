-- memoized fibonacci and other dynamic programming
local memo = {}
local function fib(n)
  if n <= 2 then return 1 end
  local v = memo[n]
  if v then return v end
  v = fib(n - 1) + fib(n - 2)
  memo[n] = v
  return v
end
for _, n in ipairs({1, 2, 10, 30, 50, 90, 92}) do print(n, fib(n)) end
print("fib(93) wraps:", fib(93))
local function memoize(f)
  local cache = {}
  return function(n)
    local v = cache[n]
    if v == nil then v = f(n); cache[n] = v end
    return v
  end
end
local calls = 0
local slow
slow = memoize(function(n) calls = calls + 1; if n < 2 then return n end return slow(n - 1) + slow(n - 2) end)
print(slow(80), calls)
-- longest common subsequence
local function lcs(a, b)
  local dp = {}
  for i = 0, #a do dp[i] = {[0] = 0} end
  for j = 0, #b do dp[0][j] = 0 end
  for i = 1, #a do
    for j = 1, #b do
      if a:sub(i, i) == b:sub(j, j) then dp[i][j] = dp[i - 1][j - 1] + 1
      else dp[i][j] = math.max(dp[i - 1][j], dp[i][j - 1]) end
    end
  end
  local out, i, j = {}, #a, #b
  while i > 0 and j > 0 do
    if a:sub(i, i) == b:sub(j, j) then table.insert(out, 1, a:sub(i, i)); i = i - 1; j = j - 1
    elseif dp[i - 1][j] >= dp[i][j - 1] then i = i - 1 else j = j - 1 end
  end
  return dp[#a][#b], table.concat(out)
end
print(lcs("AGGTAB", "GXTXAYB"))
print(lcs("the quick brown fox", "a quick brown dog"))
-- coin change count
local function coin_ways(coins, amount)
  local ways = {[0] = 1}
  for i = 1, amount do ways[i] = 0 end
  for _, c in ipairs(coins) do
    for a = c, amount do ways[a] = ways[a] + ways[a - c] end
  end
  return ways[amount]
end
print(coin_ways({1, 2, 5}, 5), coin_ways({1, 5, 10, 25, 50}, 100), coin_ways({2}, 3))
-- edit distance
local function edit(a, b)
  local prev = {}
  for j = 0, #b do prev[j] = j end
  for i = 1, #a do
    local cur = {[0] = i}
    for j = 1, #b do
      local cost = a:byte(i) == b:byte(j) and 0 or 1
      cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    end
    prev = cur
  end
  return prev[#b]
end
print(edit("kitten", "sitting"), edit("", "abc"), edit("flaw", "lawn"), edit("same", "same"))
