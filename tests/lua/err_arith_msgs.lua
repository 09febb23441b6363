-- arithmetic errors name the offending variable
local function try(f) local ok, e = pcall(f); print(e) end
try(function() local x; return x + 1 end)
try(function() return undefined_g * 2 end)
try(function() local t = {}; return t.count + 1 end)
try(function() local t = {}; return -t end)
try(function() local s = "abc"; return s + 1 end)
try(function() local s = "abc"; return 1 - s end)
try(function() return {} / 2 end)
local up = {}
try(function() return up % 2 end)
try(function() local a, b = 1, nil; return a ^ b end)
try(function() local b = true; return b // 1 end)
try(function() local t = {}; return t[1] + t[2] end)
try(function() return ("10" + 1) + {} end)
try(function() local f = print; return f + 1 end)
try(function() local x = nil; x = x + 1 end)
