-- generic for with custom iterators
local function range(n, step)
  step = step or 1
  return function(_, last)
    local nxt = last + step
    if nxt <= n then return nxt end
  end, nil, 0
end
for i in range(5) do io.write(i, " ") end
print()
for i in range(10, 3) do io.write(i, " ") end
print()

-- stateful closure iterator
local function chars(s)
  local i = 0
  return function()
    i = i + 1
    if i <= #s then return i, s:sub(i, i) end
  end
end
for i, c in chars("lua") do io.write(i, "=", c, " ") end
print()

-- stateless iterator with state and control
local function iter(t, i)
  i = i + 1
  local v = t[i]
  if v ~= nil then return i, v * v end
end
for i, sq in iter, {3, 4, 5}, 0 do io.write(i, ":", sq, " ") end
print()

-- the fourth value is a closing value
do
  local closed = false
  local tbc = setmetatable({}, {__close = function() closed = true end})
  for i in function(_, c) if c < 3 then return c + 1 end end, nil, 0, tbc do
    io.write(i, " ")
  end
  print("closed", closed)
end
do
  local closed = false
  local tbc = setmetatable({}, {__close = function() closed = true end})
  for i in function(_, c) return c + 1 end, nil, 0, tbc do
    if i == 2 then break end
  end
  print("closed after break", closed)
end

-- iterator returning multiple values
local function triples()
  local n = 0
  return function()
    n = n + 1
    if n <= 3 then return n, n * 2, n * 3 end
  end
end
for a, b, c in triples() do print(a, b, c) end

-- extra loop vars are nil
for a, b, c, d in ipairs({"x"}) do print(a, b, c, d) end

-- iterating string.gmatch
for k, v in string.gmatch("a=1, b=2, c=3", "(%w+)=(%w+)") do io.write(k, "->", v, ";") end
print()
print(pcall(function() for x in 42 do end end))
