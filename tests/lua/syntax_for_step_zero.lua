-- errors from numeric for
print(pcall(function() for i = 1, 10, 0 do end end))
print(pcall(function() for i = 1.0, 10, 0.0 do end end))
print(pcall(function() for i = "a", 10 do end end))
print(pcall(function() for i = 1, {} do end end))
print(pcall(function() for i = 1, 2, nil do end end))
print(pcall(function() local s = "x"; for i = 1, 2, s do end end))
print(pcall(function() local t = {}; for i = 1, t.limit do end end))
