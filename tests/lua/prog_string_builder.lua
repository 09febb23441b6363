-- string building with table.concat versus repeated concatenation
local Builder = {}
Builder.__index = Builder
function Builder.new() return setmetatable({parts = {}, n = 0}, Builder) end
function Builder:add(...)
  for i = 1, select("#", ...) do
    self.n = self.n + 1
    self.parts[self.n] = tostring((select(i, ...)))
  end
  return self
end
function Builder:addf(fmt, ...) return self:add(string.format(fmt, ...)) end
function Builder:line(...) self:add(...); return self:add("\n") end
function Builder:build(sep) return table.concat(self.parts, sep or "", 1, self.n) end
Builder.__len = function(b) return #b:build() end
Builder.__tostring = function(b) return b:build() end

local b = Builder.new()
b:add("Hello", ", ", "World"):add("!"):line()
b:addf("%d + %d = %d", 2, 3, 5):line()
b:addf("%-6s|%6.2f|", "pi", math.pi):line()
io.write(tostring(b))
print(#b)

local html = Builder.new()
local function tag(name, content, attrs)
  local a = {}
  if attrs then
    local keys = {}
    for k in pairs(attrs) do keys[#keys + 1] = k end
    table.sort(keys)
    for _, k in ipairs(keys) do a[#a + 1] = string.format(' %s="%s"', k, attrs[k]) end
  end
  return string.format("<%s%s>%s</%s>", name, table.concat(a), content, name)
end
html:add("<ul>")
for i, item in ipairs({"apples", "pears", "plums"}) do
  html:add(tag("li", item, {class = "item", id = "i" .. i}))
end
html:add("</ul>")
print(html:build("\n"))

local big = Builder.new()
for i = 1, 20000 do big:add(i % 10) end
local s = big:build()
print(#s, s:sub(1, 12), s:sub(-12))
local slow = ""
for i = 1, 2000 do slow = slow .. (i % 10) end
print(#slow, slow == s:sub(1, 2000))
local csv = Builder.new()
local rows = {{"name", "qty"}, {"a,b", 1}, {'say "hi"', 2}}
for _, r in ipairs(rows) do
  local cells = {}
  for i, c in ipairs(r) do
    c = tostring(c)
    if c:find('[,"]') then c = '"' .. c:gsub('"', '""') .. '"' end
    cells[i] = c
  end
  csv:line(table.concat(cells, ","))
end
io.write(csv:build())
