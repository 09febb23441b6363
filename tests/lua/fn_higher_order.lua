-- map, filter, reduce, compose, curry
local function map(t, f) local r = {} for i, v in ipairs(t) do r[i] = f(v) end return r end
local function filter(t, p) local r = {} for _, v in ipairs(t) do if p(v) then r[#r + 1] = v end end return r end
local function reduce(t, f, init) local acc = init for _, v in ipairs(t) do acc = f(acc, v) end return acc end
local function compose(...)
  local fs = {...}
  return function(x) for i = #fs, 1, -1 do x = fs[i](x) end return x end
end
local function curry(f, n)
  n = n or 2
  local function acc(args, count)
    return function(x)
      local nargs = {table.unpack(args, 1, count)}
      nargs[count + 1] = x
      if count + 1 == n then return f(table.unpack(nargs, 1, n)) end
      return acc(nargs, count + 1)
    end
  end
  return acc({}, 0)
end
local nums = {}
for i = 1, 10 do nums[i] = i end
print(table.concat(map(nums, function(x) return x * x end), " "))
print(table.concat(filter(nums, function(x) return x % 3 == 0 end), " "))
print(reduce(nums, function(a, b) return a + b end, 0), reduce(nums, math.max, -math.huge))
local inc = function(x) return x + 1 end
local dbl = function(x) return x * 2 end
print(compose(inc, dbl)(5), compose(dbl, inc)(5), compose()(7))
local add3 = curry(function(a, b, c) return a + b + c end, 3)
print(add3(1)(2)(3))
local words = {"lua", "is", "fun"}
print(table.concat(map(words, string.upper), "-"))
print(reduce(map(words, string.len), function(a, b) return a * b end, 1))
