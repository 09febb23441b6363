-- method lookup through class hierarchies
local Base = {}
Base.__index = Base
function Base.new(name) return setmetatable({name = name}, Base) end
function Base:hello() return "Base hello from " .. self.name end
function Base:kind() return "base" end
local Derived = setmetatable({}, {__index = Base})
Derived.__index = Derived
function Derived.new(name, extra)
  local o = Base.new(name)
  o.extra = extra
  return setmetatable(o, Derived)
end
function Derived:kind() return "derived+" .. Base.kind(self) end
local Leaf = setmetatable({}, {__index = Derived})
Leaf.__index = Leaf
function Leaf:kind() return "leaf+" .. Derived.kind(self) end
local b, d = Base.new("b"), Derived.new("d", 1)
local l = setmetatable(Derived.new("l", 2), Leaf)
print(b:hello(), b:kind())
print(d:hello(), d:kind(), d.extra)
print(l:hello(), l:kind(), l.extra)
print(getmetatable(l) == Leaf, rawget(Leaf, "hello"))
Base.shared = "shared value"
print(l.shared, d.shared)
