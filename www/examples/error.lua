-- A program that fails: the error is reported with its line, and the
-- line is highlighted in the editor.
local accounts = { alice = 120, bob = 75 }

local function withdraw(name, amount)
  local balance = accounts[name]
  print(("%s has %d, withdrawing %d"):format(name, balance, amount))
  accounts[name] = balance - amount
end

withdraw("alice", 20)
withdraw("bob", 50)
withdraw("carol", 10)   -- carol has no account: balance is nil
print("never printed")
