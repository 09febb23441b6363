-- call sugar: f"str", f{table}, obj:method, chained calls
local function id(x) return x end
print(id"literal", id[[long literal]], type(id{1, 2}))
print(#id{1, 2, 3})
local obj = {n = 0}
function obj:inc(by) self.n = self.n + (by or 1); return self end
function obj.static(x) return x * 2 end
obj:inc():inc(5):inc()
print(obj.n, obj.static(21))
local s = ("%d-%d"):format(1, 2):rep(2, "|"):upper()
print(s)
print(("abc"):upper():lower():len())
local t = {f = function(...) return select("#", ...) end}
print(t.f(), t:f(), t.f(t), t:f(1, 2))
local m = setmetatable({}, {__index = function(_, k) return function(self, ...) return k, ... end end})
print(m:anything(1, 2))
local fnret = function() return function(x) return {val = x} end end
print(fnret()(7).val, fnret()"s".val)
local nested
nested = {a = {b = {c = function(self) return self == nested.a.b end}}}
print(nested.a.b:c())
print(type(string.format), string.format"no format args")
