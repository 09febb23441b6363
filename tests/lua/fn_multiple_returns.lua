-- multiple results adjusted in every context
local function mr() return 1, 2, 3 end
local function none() end
print(mr())
print(mr(), "x")
print("x", mr())
print((mr()))
local t = {mr(), mr()}
print(#t)
t = {mr(), (mr())}
print(#t)
local a, b, c, d = mr()
print(a, b, c, d)
print(#{none()}, #{none(), 1}, select("#", none()))
print(mr() + 10)
print(string.format("%d %d %d", mr()))
print(math.max(mr()), math.min(mr(), 0))
local s = ""
for _, v in ipairs({mr()}) do s = s .. v end
print(s)
local function passthrough() return mr() end
print(passthrough())
local function paren() return (mr()) end
print(paren())
local r = {n = select("#", mr(), mr())}
print(r.n)
print(pcall(type))
print((none()))
local x, y = none()
print(x, y)
local tbl = {}
tbl.a, tbl.b = mr()
print(tbl.a, tbl.b)
print(mr() == 1, (mr()) == 1)
