-- weak tables after a full collection (collectgarbage() is deterministic)
local function count(t)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  return n
end

-- weak keys: entries whose key is only in the table go away
local wk = setmetatable({}, {__mode = "k"})
local keep = {}
wk[keep] = "kept"
wk[{}] = "dropped"
wk[1] = {}            -- a number key is never weak
wk["s"] = {}          -- nor is a string key
wk[true] = "b"
collectgarbage()
print("weak keys", count(wk), wk[keep], type(wk[1]), type(wk.s), wk[true])

-- weak values: entries whose value is only in the table go away
local wv = setmetatable({}, {__mode = "v"})
local v1 = {}
wv.a = v1
wv.b = {}
wv[1] = {}
wv[2] = v1
wv.c = "a string value stays"
wv.d = 42
collectgarbage()
print("weak values", count(wv), wv.a == v1, wv.b, wv[1], wv[2] == v1, wv.c, wv.d)

-- all weak
local kv = setmetatable({}, {__mode = "kv"})
local k2, v2 = {}, {}
kv[k2] = v2
kv[{}] = v2
kv[k2 ] = v2
kv.x = {}
kv[{}] = "str"
collectgarbage()
print("all weak", count(kv), kv[k2] == v2, kv.x)

-- ephemerons: a value that refers to its own key does not keep it alive
local eph = setmetatable({}, {__mode = "k"})
do
  local a = {}
  eph[a] = {ref = a}
  local b = {}
  local c = {}
  eph[b] = c          -- chain b -> c -> d, with only b held below
  eph[c] = {}
  keepb = b
end
collectgarbage()
print("ephemerons", count(eph))
keepb = nil
collectgarbage()
print("ephemerons after drop", count(eph))

-- a weak table that is itself garbage
do
  local w = setmetatable({}, {__mode = "v"})
  for i = 1, 100 do w[i] = {i} end
end
collectgarbage()

-- clearing keeps traversal working
local wk2 = setmetatable({}, {__mode = "k"})
local held = {}
for i = 1, 50 do
  local k = {}
  wk2[k] = i
  if i % 5 == 0 then held[#held + 1] = k end
end
collectgarbage()
local sum = 0
for k, v in pairs(wk2) do sum = sum + v end
print("held keys", count(wk2), sum)

-- weak values in the array part
local arr = setmetatable({}, {__mode = "v"})
local live = {}
for i = 1, 20 do
  local t = {i}
  arr[i] = t
  if i % 2 == 0 then live[#live + 1] = t end
end
collectgarbage()
local n = 0
for i = 1, 20 do if arr[i] then n = n + 1 end end
print("array part", n, #live)

-- a table whose weakness is set by __mode on its metatable, then removed
local mt = {__mode = "k"}
local changing = setmetatable({}, mt)
changing[{}] = 1
collectgarbage()
print("mode k", count(changing))
mt.__mode = nil
changing[{}] = 1
collectgarbage()
print("mode removed", count(changing))
