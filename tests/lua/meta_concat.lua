-- __concat metamethod
local S = {}
S.__concat = function(a, b)
  local av = type(a) == "table" and a.s or tostring(a)
  local bv = type(b) == "table" and b.s or tostring(b)
  return setmetatable({s = av .. bv}, S)
end
local function str(x) return setmetatable({s = x}, S) end
print((str("a") .. "b").s, ("a" .. str("b")).s, (str("a") .. str("b")).s)
print((1 .. str("x")).s, (str("x") .. 2.5).s)
print(("p" .. "q" .. str("r") .. "s").s)
local order = {}
local T = setmetatable({}, {__concat = function(a, b)
  order[#order + 1] = (type(a) == "table" and "T" or a) .. "|" .. (type(b) == "table" and "T" or b)
  return "R"
end})
local r = "a" .. "b" .. T .. "c" .. "d"
print(r, table.concat(order, " "))
print(pcall(function() return {} .. "x" end))
print(pcall(function() return "x" .. nil end))
print(pcall(function() return 1 .. true end))
