-- load modes, string.dump round trip, and dofile-like patterns
print(load("return 1", "t", "t")())
print(load("return 1", "b", "b"))
local dumped = string.dump(load("local a = ... return a * 2"))
print(type(dumped), #dumped > 0)
print(load(dumped, "d", "t"))
local back = load(dumped, "d", "b")
print(back(21))
local function adder(x) return x + 1 end
print(load(string.dump(adder))(41))
local cache = {}
local function require_like(name, src)
  if cache[name] then return cache[name] end
  local m = load(src, "=" .. name)()
  cache[name] = m
  return m
end
local m1 = require_like("mod", "return {v = 1}")
local m2 = require_like("mod", "return {v = 2}")
print(m1 == m2, m1.v)
