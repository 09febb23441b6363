-- binary heap priority queue and a task scheduler on top of it
local Heap = {}
Heap.__index = Heap
function Heap.new(cmp) return setmetatable({items = {}, n = 0, cmp = cmp or function(a, b) return a < b end}, Heap) end
function Heap:push(v)
  self.n = self.n + 1
  local i = self.n
  self.items[i] = v
  while i > 1 do
    local p = i // 2
    if self.cmp(self.items[i], self.items[p]) then
      self.items[i], self.items[p] = self.items[p], self.items[i]
      i = p
    else break end
  end
end
function Heap:pop()
  if self.n == 0 then return nil end
  local top = self.items[1]
  self.items[1] = self.items[self.n]
  self.items[self.n] = nil
  self.n = self.n - 1
  local i = 1
  while true do
    local l, r, s = 2 * i, 2 * i + 1, i
    if l <= self.n and self.cmp(self.items[l], self.items[s]) then s = l end
    if r <= self.n and self.cmp(self.items[r], self.items[s]) then s = r end
    if s == i then break end
    self.items[i], self.items[s] = self.items[s], self.items[i]
    i = s
  end
  return top
end
local h = Heap.new()
for _, v in ipairs({5, 3, 9, 1, 7, 2, 8, 6, 4, 0}) do h:push(v) end
local out = {}
while h.n > 0 do out[#out + 1] = h:pop() end
print(table.concat(out, " "))
local tasks = Heap.new(function(a, b)
  if a.prio ~= b.prio then return a.prio > b.prio end
  return a.id < b.id
end)
local specs = {{"write report", 2}, {"fix bug", 5}, {"lunch", 1}, {"deploy", 5}, {"review", 3}, {"email", 2}}
for i, s in ipairs(specs) do tasks:push({id = i, name = s[1], prio = s[2]}) end
while true do
  local t = tasks:pop()
  if not t then break end
  print(string.format("[%d] %s (#%d)", t.prio, t.name, t.id))
end
local big = Heap.new()
local x = 1
for i = 1, 20000 do x = (x * 48271) % 2147483647; big:push(x % 100000) end
local prev, ok, count = -1, true, 0
while big.n > 0 do
  local v = big:pop()
  if v < prev then ok = false end
  prev = v
  count = count + 1
end
print("heap order ok", ok, count, prev)
