-- varargs in functions and main chunk
print("main chunk args:", select("#", ...))
local function count(...) return select("#", ...) end
print(count(), count(nil), count(nil, nil), count(1, nil, 3, nil))
local function pass(...) return ... end
print(pass(1, 2, 3))
print((pass(1, 2, 3)))
local function first(...)
  local a = ...
  return a
end
print(first(9, 8, 7))
local function tail(...)
  local _, rest1, rest2 = ...
  return rest1, rest2
end
print(tail("a", "b", "c"))
local function packed(...)
  local t = {...}
  return #t, t[1], t[#t]
end
print(packed(4, 5, 6, 7))
local function withfixed(a, b, ...)
  return a, b, select("#", ...), ...
end
print(withfixed(1))
print(withfixed(1, 2, 3, 4))
local function inmiddle(...)
  return ..., "end"
end
print(inmiddle(1, 2, 3))
local function concat(...)
  local n = select("#", ...)
  local parts = {}
  for i = 1, n do parts[i] = tostring((select(i, ...))) end
  return table.concat(parts, ",")
end
print(concat(1, nil, "x", false))
local function sum(...)
  local s = 0
  for _, v in ipairs({...}) do s = s + v end
  return s
end
print(sum(1, 2, 3, 4, 5))
print(sum())
local t = {pass(1, 2), pass(3, 4)}
print(#t, t[1], t[2], t[3])
