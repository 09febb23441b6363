-- calling non-function values
local function try(f) local ok, e = pcall(f); print(e) end
try(function() local f; f() end)
try(function() undefined_function() end)
try(function() local t = {}; t.method() end)
try(function() local t = {}; t:method() end)
try(function() string.nonexistent("x") end)
local up
try(function() up() end)
try(function() local n = 42; n() end)
try(function() local s = "str"; s() end)
try(function() local t = {}; t() end)
try(function() (nil)() end)
try(function() local t = {a = {}}; t.a.b.c() end)
try(function() return ("x"):nomethod() end)
try(function() local t = {1}; t[1]() end)
try(function() local b = true; b() end)
