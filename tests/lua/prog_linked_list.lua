-- singly linked list with iterator, reverse, and sort
local List = {}
List.__index = List
function List.new(...) local l = setmetatable({head = nil, size = 0}, List) for _, v in ipairs({...}) do l:append(v) end return l end
function List:prepend(v) self.head = {value = v, next = self.head}; self.size = self.size + 1 end
function List:append(v)
  local node = {value = v}
  if not self.head then self.head = node else
    local n = self.head
    while n.next do n = n.next end
    n.next = node
  end
  self.size = self.size + 1
end
function List:iter()
  local n = self.head
  return function() if n then local v = n.value; n = n.next; return v end end
end
function List:reverse()
  local prev, cur = nil, self.head
  while cur do cur.next, prev, cur = prev, cur, cur.next end
  self.head = prev
  return self
end
function List:remove(v)
  local prev, cur = nil, self.head
  while cur do
    if cur.value == v then
      if prev then prev.next = cur.next else self.head = cur.next end
      self.size = self.size - 1
      return true
    end
    prev, cur = cur, cur.next
  end
  return false
end
List.__tostring = function(l) local t = {} for v in l:iter() do t[#t + 1] = tostring(v) end return "[" .. table.concat(t, " -> ") .. "]" end
List.__len = function(l) return l.size end
List.__concat = function(a, b) local r = List.new() for v in a:iter() do r:append(v) end for v in b:iter() do r:append(v) end return r end
local function merge_sort(head)
  if not head or not head.next then return head end
  local slow, fast = head, head.next
  while fast and fast.next do slow, fast = slow.next, fast.next.next end
  local right = slow.next
  slow.next = nil
  local a, b = merge_sort(head), merge_sort(right)
  local dummy = {}
  local tail = dummy
  while a and b do
    if a.value <= b.value then tail.next, a = a, a.next else tail.next, b = b, b.next end
    tail = tail.next
  end
  tail.next = a or b
  return dummy.next
end
local l = List.new(5, 3, 8)
l:prepend(1)
l:append(9)
print(tostring(l), #l)
print(tostring(l:reverse()))
print(l:remove(8), l:remove(42), tostring(l), #l)
local m = l .. List.new(7, 2)
print(tostring(m), #m)
m.head = merge_sort(m.head)
print(tostring(m))
local big = List.new()
for i = 1, 2000 do big:prepend((i * 7919) % 2003) end
big.head = merge_sort(big.head)
local prev, ok, cnt = -1, true, 0
for v in big:iter() do if v < prev then ok = false end prev = v; cnt = cnt + 1 end
print("sorted", ok, cnt, big.head.value, prev)
