local s = 0
for i = 1, 3 do s = s + i end
for i = 3, 1, -1 do s = s - i end
for i = 0.5, 2.5, 0.5 do s = s + i end
for i = s, s * 2 do local f = function() return i end end
for k in next, {} do print(k) end
for k, v in ipairs({1, 2, 3}) do s = s + v end
for a, b, c in pairs({}) do local g = function() return a, b, c end end
return s
