-- for loop errors
local function try(f) local ok, e = pcall(f); print(e) end
try(function() for i = nil, 10 do end end)
try(function() for i = 1, nil do end end)
try(function() for i = 1, 10, {} do end end)
try(function() local t = {}; for i = t.start, 10 do end end)
try(function() for i = 1, 10, 0 do end end)
try(function() for k, v in nil do end end)
try(function() for k, v in {} do end end)
try(function() local t = {}; for k, v in t do end end)
try(function() for k, v in pairs(nil) do end end)
try(function() for i, v in ipairs() do end end)
try(function() for i = 1.5, 10, 0 do end end)
