-- upvalues shared between closures
local function make()
  local n = 0
  local function inc() n = n + 1; return n end
  local function get() return n end
  local function reset() n = 0 end
  return inc, get, reset
end
local inc, get, reset = make()
inc(); inc(); inc()
print(get())
reset()
print(get(), inc())
local inc2, get2 = make()
inc2()
print(get(), get2())
-- closure captures variable, not value
local x = 1
local function show() return x end
x = 2
print(show())
-- nested upvalues three levels deep
local function outer()
  local a = "a"
  return function()
    local b = "b"
    return function()
      a = a .. "!"
      return a .. b
    end
  end
end
local mid = outer()
local inner1, inner2 = mid(), mid()
print(inner1(), inner2(), inner1())
-- upvalue shared after the enclosing function returns
local setters = {}
local getters = {}
for i = 1, 3 do
  local v = i * 10
  setters[i] = function(nv) v = nv end
  getters[i] = function() return v end
end
setters[2](99)
print(getters[1](), getters[2](), getters[3]())
-- parameter as upvalue
local function adder(base) return function(d) base = base + d; return base end end
local ad = adder(100)
print(ad(1), ad(10), ad(100))
