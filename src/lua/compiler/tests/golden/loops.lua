for i = 1, 10 do print(i) end
for i = 10, 1, -1 do print(i) end
for i = 1.0, 2 do end
for k, v in pairs({}) do print(k, v) end
for a, b, c, d in next, {} do end
local i = 0
while i < 10 do i = i + 1; if i == 5 then break end end
repeat local x = i; i = i - 1 until x < 3
repeat local y; local function g() return y end until g()
while true do end
