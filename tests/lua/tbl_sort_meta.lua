-- table.sort reads and writes through __index/__newindex and takes the
-- length from __len, in the reference's order
local function proxy(store, log)
  return setmetatable({}, {
    __index = function(_, k) log[#log + 1] = "r" .. k return store[k] end,
    __newindex = function(_, k, v) log[#log + 1] = "w" .. k .. "=" .. tostring(v) store[k] = v end,
    __len = function() log[#log + 1] = "#" return #store end,
  })
end

local function run(data, cmp)
  local store, log = {}, {}
  for i, v in ipairs(data) do store[i] = v end
  table.sort(proxy(store, log), cmp)
  print(table.concat(store, " "))
  print(#log, table.concat(log, " ", 1, math.min(#log, 40)))
end

run({5, 3, 8, 1, 9, 2})
run({1, 2, 3})
run({3, 2, 1})
run({2, 1})
run({4, 4, 4, 4, 4})
run({"pear", "apple", "fig", "kiwi", "banana"}, function(a, b) return #a < #b end)
local big = {}
for i = 1, 90 do big[i] = (i * 37) % 91 end
run(big)
run(big, function(a, b) return a > b end)

-- only __index: reads come from the other table, writes land in the proxy
local src = {3, 1, 2}
local p = setmetatable({}, {__index = src, __len = function() return 3 end})
table.sort(p)
print(rawget(p, 1), rawget(p, 2), rawget(p, 3), table.concat(src, " "))

-- a read-only proxy fails at the first write; a sorted one of 3 needs none
local function readonly(t)
  return setmetatable({}, {__index = t, __newindex = function() error("read-only", 0) end, __len = function() return #t end})
end
print(pcall(table.sort, readonly({3, 1, 2})))
print(pcall(table.sort, readonly({1, 2, 3})))

-- __len results as luaL_len accepts them
print(pcall(table.sort, setmetatable({}, {__len = function() return "x" end})))
print(pcall(table.sort, setmetatable({}, {__len = function() return 2.5 end})))
local t2 = setmetatable({2, 1}, {__len = function() return "2" end})
table.sort(t2)
print(t2[1], t2[2])

-- errors inside the comparator and metamethods propagate
print(pcall(table.sort, proxy({3, 2, 1}, {}), function(a, b) error("cmp failed", 0) end))
print(pcall(table.sort, setmetatable({}, {__index = function() error("no read", 0) end, __len = function() return 2 end})))
print(pcall(table.sort, {3, 1, 2}, function(a, b) return true end))
