-- mutual recursion between local functions
local is_even, is_odd
function is_even(n) if n == 0 then return true end return is_odd(n - 1) end
function is_odd(n) if n == 0 then return false end return is_even(n - 1) end
print(is_even(10), is_odd(7), is_even(7), is_odd(100))
print(is_even(100001))
-- Hofstadter female/male sequences
local F, M
F = function(n) if n == 0 then return 1 end return n - M(F(n - 1)) end
M = function(n) if n == 0 then return 0 end return n - F(M(n - 1)) end
local fs, ms = {}, {}
for i = 0, 15 do fs[#fs + 1] = F(i); ms[#ms + 1] = M(i) end
print(table.concat(fs, " "))
print(table.concat(ms, " "))
-- recursive descent parser using mutual recursion
local src, pos
local expr, term, factor
local function peek() return src:sub(pos, pos) end
function factor()
  if peek() == "(" then
    pos = pos + 1
    local v = expr()
    pos = pos + 1
    return v
  end
  local num = src:match("^%d+", pos)
  pos = pos + #num
  return tonumber(num)
end
function term()
  local v = factor()
  while peek() == "*" or peek() == "/" do
    local op = peek(); pos = pos + 1
    local r = factor()
    if op == "*" then v = v * r else v = v // r end
  end
  return v
end
function expr()
  local v = term()
  while peek() == "+" or peek() == "-" do
    local op = peek(); pos = pos + 1
    local r = term()
    if op == "+" then v = v + r else v = v - r end
  end
  return v
end
for _, e in ipairs({"1+2*3", "(1+2)*3", "100/7-2", "2*(3+(4-1))*5", "42"}) do
  src, pos = e, 1
  print(e, expr())
end
