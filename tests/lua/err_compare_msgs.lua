-- comparison errors
local function try(f) local ok, e = pcall(f); print(e) end
try(function() return 1 < nil end)
try(function() return nil < 1 end)
try(function() local x; return x > 5 end)
try(function() return 1 <= "2" end)
try(function() return "a" >= 1 end)
try(function() return {} < {} end)
try(function() return {} <= 1 end)
try(function() return true < false end)
try(function() return print < print end)
try(function() local t = {}; return t.a < t.b end)
try(function() return 1 < 2 end)
print(1 == nil, "1" == 1, {} == nil)
