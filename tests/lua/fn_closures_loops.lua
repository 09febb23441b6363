-- closures created in loops capture a fresh variable per iteration
local fs = {}
for i = 1, 5 do fs[i] = function() return i end end
local out = {}
for i = 1, 5 do out[i] = fs[i]() end
print(table.concat(out, " "))
local gs = {}
for _, name in ipairs({"a", "b", "c"}) do gs[#gs + 1] = function() return name end end
print(gs[1](), gs[2](), gs[3]())
local ws = {}
local j = 0
while j < 3 do
  j = j + 1
  local k = j
  ws[j] = function() k = k + 100; return k end
end
print(ws[1](), ws[2](), ws[3](), ws[1]())
local shared = {}
local s = 0
for i = 1, 3 do shared[i] = function() s = s + i; return s end end
print(shared[1](), shared[2](), shared[3]())
local rs = {}
local r = 0
repeat
  r = r + 1
  local captured = r * r
  rs[r] = function() return captured end
until captured >= 16
print(#rs, rs[1](), rs[4]())
local counters = {}
for i = 1, 3 do
  local c = 0
  counters[i] = function() c = c + i; return c end
end
counters[1](); counters[1]()
counters[3]()
print(counters[1](), counters[2](), counters[3]())
