-- objects implemented with closures
local function Account(balance)
  local self = {}
  local history = {}
  function self.deposit(v) balance = balance + v; history[#history + 1] = "+" .. v end
  function self.withdraw(v)
    if v > balance then return false, "insufficient funds" end
    balance = balance - v; history[#history + 1] = "-" .. v
    return true
  end
  function self.balance() return balance end
  function self.history() return table.concat(history, ",") end
  return self
end
local acc = Account(100)
acc.deposit(50)
print(acc.withdraw(30))
print(acc.withdraw(500))
print(acc.balance(), acc.history())
local function gen_ids(prefix)
  local n = 0
  return function() n = n + 1; return string.format("%s-%03d", prefix, n) end
end
local a, b = gen_ids("A"), gen_ids("B")
print(a(), a(), b(), a(), b())
local function memoize(f)
  local cache, hits = {}, 0
  return function(x)
    if cache[x] ~= nil then hits = hits + 1; return cache[x] end
    local v = f(x); cache[x] = v; return v
  end, function() return hits end
end
local slow_sq, hits = memoize(function(x) return x * x end)
for i = 1, 5 do slow_sq(i % 3) end
print(slow_sq(2), hits())
