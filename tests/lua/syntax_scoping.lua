-- lexical scoping and shadowing
local x = 1
do
  local x = x + 1
  print("inner", x)
  do
    local x = x * 10
    print("innermost", x)
  end
  print("inner again", x)
end
print("outer", x)
local function f(x) return x end
print(f(5), x)
for x = 100, 101 do io.write(x, " ") end
print(x)
local a = 1
local a = a + 1
print(a)
g = "global"
local g = "local"
print(g, _G.g, _ENV.g)
local function shadow_param(p)
  local p = p .. "!"
  return p
end
print(shadow_param("hi"))
do
  local _ENV = {print = print, tostring = tostring}
  y = 5
  print("y in custom env", y, tostring(rawget))
end
print("y globally", y)
local counter = 0
local function bump() counter = counter + 1 end
do local counter = 100; bump() end
print(counter)
if true then local z = 1 end
print(z)
