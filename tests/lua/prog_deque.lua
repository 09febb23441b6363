-- queue, stack and double-ended queue implementations
local Deque = {}
Deque.__index = Deque
function Deque.new() return setmetatable({first = 0, last = -1, items = {}}, Deque) end
function Deque:push_front(v) self.first = self.first - 1; self.items[self.first] = v end
function Deque:push_back(v) self.last = self.last + 1; self.items[self.last] = v end
function Deque:pop_front()
  if self.first > self.last then return nil, "empty" end
  local v = self.items[self.first]; self.items[self.first] = nil; self.first = self.first + 1
  return v
end
function Deque:pop_back()
  if self.first > self.last then return nil, "empty" end
  local v = self.items[self.last]; self.items[self.last] = nil; self.last = self.last - 1
  return v
end
function Deque:size() return self.last - self.first + 1 end
function Deque:totable() local t = {} for i = self.first, self.last do t[#t + 1] = self.items[i] end return t end

local d = Deque.new()
for i = 1, 5 do d:push_back(i) end
for i = 1, 3 do d:push_front(-i) end
print(d:size(), table.concat(d:totable(), " "))
print(d:pop_front(), d:pop_back(), d:size())
while d:size() > 0 do io.write(d:pop_front(), " ") end
print()
print(d:pop_front())

local Stack = {}
Stack.__index = Stack
function Stack.new() return setmetatable({n = 0}, Stack) end
function Stack:push(...) for _, v in ipairs({...}) do self.n = self.n + 1; self[self.n] = v end end
function Stack:pop() if self.n == 0 then error("stack underflow", 2) end local v = self[self.n]; self[self.n] = nil; self.n = self.n - 1; return v end
function Stack:peek() return self[self.n] end
local s = Stack.new()
s:push(1, 2, 3)
print(s:pop(), s:peek(), s.n)
s:pop(); s:pop()
print(pcall(s.pop, s))

-- balanced brackets with a stack
local function balanced(str)
  local st = Stack.new()
  local pairs_ = {[")"] = "(", ["]"] = "[", ["}"] = "{"}
  for c in str:gmatch("[%(%)%[%]{}]") do
    if pairs_[c] then
      if st.n == 0 or st:pop() ~= pairs_[c] then return false end
    else st:push(c) end
  end
  return st.n == 0
end
for _, t in ipairs({"(a[b]{c})", "(]", "((", "{[()()]}", ""}) do print(string.format("%-12s", string.format("%q", t)), balanced(t)) end

-- large queue throughput
local q = Deque.new()
local sum = 0
for i = 1, 100000 do q:push_back(i) if i % 3 == 0 then sum = sum + q:pop_front() end end
print(q:size(), sum)
