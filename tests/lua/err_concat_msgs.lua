-- concatenation errors
local function try(f) local ok, e = pcall(f); print(e) end
try(function() local t = {}; return "x" .. t end)
try(function() local t = {}; return t .. "x" end)
try(function() return "a" .. nil end)
try(function() local n; return "a" .. n end)
try(function() return "v=" .. undefined_g end)
try(function() local t = {}; return "x" .. t.field end)
try(function() return "a" .. true end)
try(function() return 1 .. {} end)
try(function() local up = {}; return (function() return up .. "" end)() end)
try(function() return "a" .. "b" .. nil .. "c" end)
print(1 .. 2, "a" .. 1.5, -1 .. "")
