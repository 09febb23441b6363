-- string.format %q round-trips values as Lua literals
print(string.format("%q", "hello"))
print(string.format("%q", 'a "quoted" string'))
print(string.format("%q", "new\nline"))
print(string.format("%q", "tab\there"))
print(string.format("%q", "back\\slash"))
print(string.format("%q", "nul\0byte"))
print(string.format("%q", "\1\2\0031"))
print(string.format("%q", "\r\n"))
print(string.format("%q", "\200\255"))
print(string.format("%q", 42), string.format("%q", -7))
print(string.format("%q", math.mininteger))
print(string.format("%q", 1/0), string.format("%q", -1/0), string.format("%q", 0/0))
print(string.format("%q", 2^63) == string.format("%q", 2^63), math.type(load("return " .. string.format("%q", 2^63))()))
print(string.format("%q", true), string.format("%q", false), string.format("%q", nil))
print(pcall(string.format, "%q", {}))
local s = "round \"trip\"\n\0\127end"
local back = load("return " .. string.format("%q", s))()
print(back == s)
for _, v in ipairs({0.1, 1/3, 1e300, -2.5, 123}) do
  print(load("return " .. string.format("%q", v))() == v)
end
