-- __index/__newindex for integer keys and proxies with defaults
local function default_table(default)
  return setmetatable({}, {__index = function() return default end})
end
local d = default_table(0)
d[1] = d[1] + 5
d[1] = d[1] + 5
d.x = d.x + 1
print(d[1], d.x, d[2], rawget(d, 2))
local function proxy(t)
  local reads, writes = 0, 0
  local p = setmetatable({}, {
    __index = function(_, k) reads = reads + 1; return t[k] end,
    __newindex = function(_, k, v) writes = writes + 1; t[k] = v end,
    __len = function() return #t end,
  })
  return p, function() return reads, writes end
end
local real = {}
local p, stats = proxy(real)
for i = 1, 10 do p[i] = i * i end
local s = 0
for i = 1, #p do s = s + p[i] end
print(s, #real, stats())
local matrix = setmetatable({}, {__index = function(t, i)
  local row = setmetatable({}, {__index = function() return 0 end})
  rawset(t, i, row)
  return row
end})
matrix[2][3] = 7
matrix[5][5] = 1
print(matrix[2][3], matrix[2][4], matrix[5][5], matrix[9][9], rawget(matrix, 9) ~= nil)
