-- load with a reader function
local pieces = {"return ", "1 ", "+ ", "2", " * 3"}
local i = 0
local f = load(function() i = i + 1; return pieces[i] end)
print(f())
local chars = "local t = {} for i = 1, 5 do t[i] = i * i end return table.concat(t, ',')"
local pos = 0
local g = load(function()
  pos = pos + 1
  if pos <= #chars then return chars:sub(pos, pos) end
end, "=charbychar")
print(g())
local called = 0
local h = load(function() called = called + 1; return nil end)
print(type(h), h and h(), called)
local e = 0
local ef = load(function() e = e + 1; if e == 1 then return "return 5" end return "" end)
print(type(ef), ef(), e)
local parts2 = {"x = ", "'hello'", "; return x"}
local k = 0
local env = {}
local ch = load(function() k = k + 1; return parts2[k] end, "=reader", "t", env)
print(ch(), env.x)
local big = {}
for n = 1, 200 do big[#big + 1] = "s = (s or 0) + " .. n .. "\n" end
big[#big + 1] = "return s"
local idx = 0
print(load(function() idx = idx + 1; return big[idx] end)())
