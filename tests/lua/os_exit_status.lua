-- os.exit ends the program at once with its status: output so far is kept,
-- code after it never runs, and finalizers are left alone (close = false).
setmetatable({}, {__gc = function() print("finalizer must not run") end})
local function deep(n)
  if n == 0 then
    io.write("leaving from depth 10 with status 3\n")
    os.exit(3)
  end
  return deep(n - 1)
end
print("start")
local co = coroutine.wrap(function() deep(10) end)
co()
print("not reached")
