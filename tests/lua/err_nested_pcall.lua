-- nested pcall and rethrowing
local function inner() error("inner failure", 0) end
local function middle()
  local ok, e = pcall(inner)
  if not ok then error("middle caught: " .. e, 0) end
end
print(pcall(middle))
local function rethrow()
  local ok, e = pcall(error, {tag = "obj"})
  error(e)
end
local ok, e = pcall(rethrow)
print(ok, type(e), e.tag)
local log = {}
local function layered(n)
  if n == 0 then error("bottom", 0) end
  local ok, err = pcall(layered, n - 1)
  log[#log + 1] = n
  error(err .. "<" .. n, 0)
end
print(pcall(layered, 4))
print(table.concat(log, ","))
print(pcall(pcall))
print(pcall(pcall, pcall, error, "deep"))
local co = coroutine.wrap(function()
  local ok, err = pcall(function() coroutine.yield("yielded in pcall"); error("after yield", 0) end)
  coroutine.yield(tostring(ok) .. ":" .. err)
  return "end"
end)
print(co()); print(co()); print(co())
