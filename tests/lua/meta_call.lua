-- __call metamethod
local callable = setmetatable({name = "obj"}, {__call = function(self, a, b, ...)
  return self.name, a, b, select("#", ...)
end})
print(callable(1, 2, 3, 4))
print(callable())
local counter = setmetatable({n = 0}, {__call = function(self, inc) self.n = self.n + (inc or 1); return self.n end})
counter(); counter(5)
print(counter.n, counter())
local Class = setmetatable({}, {__call = function(cls, x) return {x = x, kind = "instance"} end})
local inst = Class(42)
print(inst.x, inst.kind)
print(pcall(function() local t = setmetatable({}, {}) return t() end))
local nested = setmetatable({}, {__call = callable})
local r = {pcall(nested, "a")}
print(r[1], r[2], type(r[3]), r[3] == nested, r[4], r[5])
local t = {f = callable}
print(t.f("x"))
print(pcall(callable, "via pcall"))
local results = {callable("m", "n")}
print(#results)
local memo = setmetatable({}, {__call = function(self, n)
  if self[n] then return self[n] end
  local v = n < 2 and n or self(n - 1) + self(n - 2)
  self[n] = v
  return v
end})
print(memo(60))
