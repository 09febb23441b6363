-- a small class system with inheritance, super calls and tostring
local function class(parent)
  local c = {}
  c.__index = c
  if parent then setmetatable(c, {__index = parent}) end
  c.super = parent
  c.new = function(...)
    local o = setmetatable({}, c)
    if o.init then o:init(...) end
    return o
  end
  c.is_a = function(self, k)
    local m = getmetatable(self)
    while m do
      if m == k then return true end
      m = m.super
    end
    return false
  end
  return c
end

local Shape = class()
function Shape:init(name) self.name = name; Shape.count = (Shape.count or 0) + 1 end
function Shape:area() return 0 end
function Shape:describe() return string.format("%s with area %.2f", self.name, self:area()) end
Shape.__tostring = function(s) return "Shape<" .. s.name .. ">" end

local Rect = class(Shape)
function Rect:init(w, h) Shape.init(self, "rect"); self.w, self.h = w, h end
function Rect:area() return self.w * self.h end
Rect.__tostring = Shape.__tostring

local Square = class(Rect)
function Square:init(s) Rect.init(self, s, s); self.name = "square" end
Square.__tostring = function(s) return "Square[" .. s.w .. "]" end

local Circle = class(Shape)
function Circle:init(r) self.super.init(self, "circle"); self.r = r end
function Circle:area() return math.pi * self.r ^ 2 end
Circle.__tostring = Shape.__tostring
Circle.__eq = function(a, b) return a.r == b.r end
Circle.__lt = function(a, b) return a.r < b.r end
Circle.__le = function(a, b) return a.r <= b.r end

local shapes = {Rect.new(3, 4), Square.new(5), Circle.new(1), Circle.new(2.5), Shape.new("blob")}
for _, s in ipairs(shapes) do print(tostring(s), s:describe()) end
print("count", Shape.count)
local sq = shapes[2]
print(sq:is_a(Square), sq:is_a(Rect), sq:is_a(Shape), sq:is_a(Circle))
print(Circle.new(2) == Circle.new(2), Circle.new(1) < Circle.new(2), Circle.new(3) <= Circle.new(2))
table.sort(shapes, function(a, b) return a:area() < b:area() end)
local names = {}
for i, s in ipairs(shapes) do names[i] = s.name end
print(table.concat(names, ", "))
-- mixins
local Serializable = {serialize = function(self)
  local keys = {}
  for k, v in pairs(self) do if type(v) ~= "function" then keys[#keys + 1] = k end end
  table.sort(keys)
  local out = {}
  for _, k in ipairs(keys) do out[#out + 1] = k .. "=" .. tostring(self[k]) end
  return "{" .. table.concat(out, ",") .. "}"
end}
for k, v in pairs(Serializable) do Rect[k] = v end
print(Rect.new(2, 3):serialize(), Square.new(4):serialize())
