-- bank account simulation with error handling
local Account = {}
Account.__index = Account
local next_id = 1
function Account.new(owner, balance)
  if type(owner) ~= "string" or owner == "" then error("invalid owner", 2) end
  local a = setmetatable({id = next_id, owner = owner, balance = balance or 0, tx = {}}, Account)
  next_id = next_id + 1
  return a
end
function Account:deposit(amount)
  if type(amount) ~= "number" or amount <= 0 then
    error({code = "EINVAL", msg = "deposit must be positive"})
  end
  self.balance = self.balance + amount
  self.tx[#self.tx + 1] = {"deposit", amount}
end
function Account:withdraw(amount)
  if amount > self.balance then
    error({code = "EFUNDS", msg = string.format("insufficient funds: balance %d, requested %d", self.balance, amount)})
  end
  self.balance = self.balance - amount
  self.tx[#self.tx + 1] = {"withdraw", amount}
end
local Bank = {accounts = {}}
function Bank.open(owner, initial)
  local a = Account.new(owner, initial)
  Bank.accounts[a.id] = a
  return a
end
function Bank.transfer(from, to, amount)
  local ok, err = pcall(function()
    from:withdraw(amount)
    to:deposit(amount)
  end)
  if not ok then return false, err.code .. ": " .. err.msg end
  return true
end
local alice = Bank.open("alice", 100)
local bob = Bank.open("bob")
print(Bank.transfer(alice, bob, 30))
print(Bank.transfer(bob, alice, 50))
print(Bank.transfer(alice, bob, -5))
print(alice.balance, bob.balance)
print(pcall(Bank.open, ""))
local ok, e = pcall(alice.deposit, alice, "ten")
print(ok, e.code, e.msg)
for i = 1, 5 do Bank.transfer(alice, bob, i * 3) end
print(alice.balance, bob.balance, alice.balance + bob.balance)
for _, acc in ipairs({alice, bob}) do
  local parts = {}
  for _, t in ipairs(acc.tx) do parts[#parts + 1] = t[1]:sub(1, 1) .. t[2] end
  print(acc.id, acc.owner, table.concat(parts, " "))
end
local interest = function(acc, rate) acc.balance = acc.balance + acc.balance * rate // 1 end
interest(alice, 0.05)
print(alice.balance, math.type(alice.balance))
