-- LRU cache using a hash map and a doubly linked list
local LRU = {}
LRU.__index = LRU
function LRU.new(cap)
  local head, tail = {}, {}
  head.next, tail.prev = tail, head
  return setmetatable({cap = cap, map = {}, head = head, tail = tail, size = 0, hits = 0, misses = 0, evicted = {}}, LRU)
end
local function unlink(n) n.prev.next, n.next.prev = n.next, n.prev end
function LRU:push_front(n)
  n.next, n.prev = self.head.next, self.head
  self.head.next.prev = n
  self.head.next = n
end
function LRU:get(k)
  local n = self.map[k]
  if not n then self.misses = self.misses + 1; return nil end
  self.hits = self.hits + 1
  unlink(n); self:push_front(n)
  return n.value
end
function LRU:put(k, v)
  local n = self.map[k]
  if n then n.value = v; unlink(n); self:push_front(n); return end
  if self.size == self.cap then
    local last = self.tail.prev
    unlink(last)
    self.map[last.key] = nil
    self.evicted[#self.evicted + 1] = last.key
    self.size = self.size - 1
  end
  n = {key = k, value = v}
  self.map[k] = n
  self:push_front(n)
  self.size = self.size + 1
end
function LRU:keys()
  local out, n = {}, self.head.next
  while n ~= self.tail do out[#out + 1] = tostring(n.key); n = n.next end
  return table.concat(out, ",")
end
local c = LRU.new(3)
c:put("a", 1); c:put("b", 2); c:put("c", 3)
print(c:keys())
print(c:get("a"), c:keys())
c:put("d", 4)
print(c:keys(), c:get("b"))
c:put("c", 30)
print(c:keys(), c:get("c"))
c:put("e", 5); c:put("f", 6)
print(c:keys(), table.concat(c.evicted, ","))
local big = LRU.new(100)
for i = 1, 5000 do
  local k = (i * 7) % 95 + i // 400
  if not big:get(k) then big:put(k, i) end
end
print(big.size, big.hits, big.misses, #big.evicted)
