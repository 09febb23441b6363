-- forwarding varargs through several layers
local function inner(...) return select("#", ...), ... end
local function middle(...) return inner(...) end
local function outer(...) return middle(...) end
print(outer())
print(outer(nil))
print(outer(1, nil, nil))
local function wrap(f) return function(...) return f(...) end end
local w = wrap(wrap(wrap(inner)))
print(w("a", "b", nil))
local function bind(f, ...)
  local bound = table.pack(...)
  return function(...)
    local args = {table.unpack(bound, 1, bound.n)}
    local extra = table.pack(...)
    for i = 1, extra.n do args[bound.n + i] = extra[i] end
    return f(table.unpack(args, 1, bound.n + extra.n))
  end
end
local add3 = function(a, b, c) return a + b + c end
print(bind(add3, 1)(2, 3), bind(add3, 1, 2)(3), bind(add3, 1, 2, 3)())
local function tracer(name, f)
  return function(...)
    local res = table.pack(f(...))
    print(name, "args=" .. select("#", ...), "results=" .. res.n)
    return table.unpack(res, 1, res.n)
  end
end
local traced = tracer("swap", function(a, b) return b, a end)
print(traced(1, 2))
print(pcall(function(...) return ... end, "p", "q"))
local co = coroutine.wrap(function(...) local a = {...}; coroutine.yield(#a); return ... end)
print(co(1, 2, 3))
print(co())
