local x <const> = 5
local y <const> = x * 2 + 1
local z <const> = "abc"
local w <const> = nil
local v <const> = true
local u <const> = 2^53
local function f() return x + y, z, w, v, u end
local q <const> = {}
local r <const> = f()
return f, q, r, x // 2, y % 3, -x, ~x
