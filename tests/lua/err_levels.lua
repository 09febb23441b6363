-- error levels add position information for the caller chain
local function lvl1() error("level 1", 1) end
local function lvl2() error("level 2", 2) end
local function lvl3() error("level 3", 3) end
local function call2() lvl2() end -- line 5
local function call3() local function mid() lvl3() end mid() end -- line 6
print(pcall(lvl1))
print(pcall(call2))
print(pcall(call3))
local function check(x)
  if type(x) ~= "number" then
    error("expected number, got " .. type(x), 2)
  end
  return x
end
local function user() local r = check("oops"); return r end -- line 16
print(pcall(user))
local function user_tail() return check("tail") end
print(pcall(user_tail))
print(pcall(function() error("default level") end))
print(pcall(function() error("level 0", 0) end))
print(pcall(function() assert(false) end))
print(pcall(function() assert(nil, "assert message") end))
local okA, eA = pcall(function() assert(false, {code = 1}) end)
print(okA, type(eA), eA.code)
print(pcall(function() return assert(1, 2, 3) end))
print(select("#", pcall(assert, 1, 2, 3)))
local ok, e = pcall(function() assert(false, 42) end)
print(ok, e, math.type(e))
print(pcall(assert))
