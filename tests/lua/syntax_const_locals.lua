-- <const> locals
local x <const> = 10
local s <const> = "hello"
local t <const> = {1, 2, 3}
t[1] = 100 -- the table itself is mutable
print(x, s, t[1])
local function f()
  return x * 2
end
print(f())
local a <const>, b = 1, 2
b = b + a
print(a, b)
local ok, err = load("local z <const> = 1; z = 2")
print(ok, err)
local ok2, err2 = load("local z <const> = 1; local function g() z = 3 end")
print(ok2, err2)
local ok3, err3 = load("local z <foo> = 1")
print(ok3, err3)
local c <const> = nil
print(c)
local big <const> = 2^53
print(big)
