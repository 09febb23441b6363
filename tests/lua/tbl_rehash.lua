-- integer keys set in every order end up readable, countable and sortable
local function count(t)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  return n
end

local function check(name, t, n)
  local sum, ok = 0, true
  for i = 1, n do
    if t[i] ~= i then ok = false end
    sum = sum + (t[i] or 0)
  end
  print(name, #t, count(t), sum, ok)
end

local N = 20000
local down = {}
for i = N, 1, -1 do down[i] = i end
check("down", down, N)

local odd = {}
for i = 1, N, 2 do odd[i] = i end
for i = 2, N, 2 do odd[i] = i end
check("odd first", odd, N)

local mixed = {}
for i = 1, 3000 do mixed["k" .. i] = i; mixed[3001 - i] = i end
local s = 0
for i = 1, 3000 do s = s + mixed[i] + mixed["k" .. i] end
print("mixed", #mixed, count(mixed), s)

-- keys from the middle outwards
local mid = {}
for d = 0, 5000 do mid[5001 + d] = 1; mid[5001 - d] = 1 end
mid[10002] = nil
print("mid", #mid, count(mid))

-- sparse keys stay sparse and are all found
local sparse = {}
for i = 1, 500 do sparse[i * 1000] = i end
local found = 0
for i = 1, 500 do if sparse[i * 1000] == i then found = found + 1 end end
print("sparse", found, count(sparse), sparse[1], sparse[999])

-- negative, zero and float-valued keys next to the array
local z = {}
for i = 100, -100, -1 do z[i] = i end
z[2.0] = "two"; z[-0.0] = "zero"
print("z", z[0], z[2], z[-100], z[100], count(z))

-- clearing every key during a traversal (allowed by the manual)
local clear = {}
for i = 1, 1000 do clear[i] = i end
for i = 1, 100 do clear["s" .. i] = i end
for i = 5000, 4000, -1 do clear[i] = i end
local visited = 0
for k in pairs(clear) do clear[k] = nil; visited = visited + 1 end
print("cleared", visited, next(clear))

-- sort a table filled from its top end, with a comparator
local r = {}
for i = N, 1, -1 do r[i] = (i * 7919) % N end
table.sort(r, function(a, b) return a > b end)
print("sorted", r[1], r[N // 2], r[N], #r)

-- a queue: push at the back, pop from the front
local q, head, tail = {}, 1, 0
for round = 1, 5000 do
  tail = tail + 1; q[tail] = round
  tail = tail + 1; q[tail] = -round
  q[head] = nil; head = head + 1
end
local qs = 0
for i = head, tail do qs = qs + q[i] end
print("queue", head, tail, qs, count(q))

-- table.insert at the front and table.remove shift through the parts
local shift = {}
for i = 1, 300 do table.insert(shift, 1, i) end
for _ = 1, 100 do table.remove(shift, 1) end
print("shift", #shift, shift[1], shift[#shift])
