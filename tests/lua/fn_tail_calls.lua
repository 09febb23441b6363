-- proper tail calls do not grow the stack
local function count(n, acc)
  if n == 0 then return acc end
  return count(n - 1, acc + 1)
end
print(count(1000000, 0))
local function loop(n) if n > 0 then return loop(n - 1) end return "bottom" end
print(loop(2000000))
local even, odd
function even(n) if n == 0 then return true end return odd(n - 1) end
function odd(n) if n == 0 then return false end return even(n - 1) end
print(even(1000001), odd(1000001))
local function sum(n, acc) if n == 0 then return acc end return sum(n - 1, acc + n) end
print(sum(1000000, 0))
local t = {}
function t.method(self, n) if n == 0 then return "method done" end return self:method(n - 1) end
print(t:method(500000))
local function multi(n) if n == 0 then return 1, 2, 3 end return multi(n - 1) end
print(multi(300000))
local function via_varargs(n, ...) if n == 0 then return select("#", ...), ... end return via_varargs(n - 1, ...) end
print(via_varargs(200000, "a", "b"))
