-- debug.getinfo fields, debug.traceback's structure, upvalues, hooks
local function show(t, keys)
  local out = {}
  for _, k in ipairs(keys) do out[#out + 1] = k .. "=" .. tostring(t[k]) end
  print(table.concat(out, " "))
end
local keys = {"source", "short_src", "what", "linedefined", "lastlinedefined", "currentline",
              "name", "namewhat", "nups", "nparams", "isvararg", "istailcall"}

function globalfn(a, b)
  show(debug.getinfo(1), keys)
  show(debug.getinfo(2, "Sln"), keys)
  return debug.getinfo(1, "n")
end
local function localfn(...)
  show(debug.getinfo(1, "Slnu"), keys)
  show(debug.getinfo(print), keys)
  show(debug.getinfo(0, "n"), keys)
end
globalfn(1, 2)
localfn()
local t = {m = function(self) show(debug.getinfo(1, "n"), keys) end}
t:m()
t.m(t)
show(debug.getinfo(1, "S"), keys)
setmetatable(t, {__index = function(_, k) show(debug.getinfo(1, "n"), keys) end})
local _ = t.missing
for _ in function() show(debug.getinfo(1, "n"), keys) end do end

-- levels and options
print(debug.getinfo(100), debug.getinfo(-1))
print(pcall(debug.getinfo, 1, ">"))
print(pcall(debug.getinfo, 1, "x"))
print(pcall(debug.getinfo, "a"))
print(debug.getinfo(1, "f").func ~= nil, debug.getinfo(1, "t").istailcall, debug.getinfo(1, "l").currentline)
local function tail() return debug.getinfo(1, "nt") end
local function caller() return tail() end
local ti = caller()
print(ti.istailcall, ti.name, ti.namewhat)
local lines = debug.getinfo(globalfn, "L").activelines
local ls = {}
for l in pairs(lines) do ls[#ls + 1] = l end
table.sort(ls)
print(table.concat(ls, ","), debug.getinfo(print, "L").activelines)
local co = coroutine.create(function(x) coroutine.yield() end)
coroutine.resume(co)
print(debug.getinfo(co, 0, "S").what, debug.getinfo(co, 1, "l").currentline)

-- traceback: only its deterministic parts are printed
local function lines_of(s)
  local n = 0
  for _ in s:gmatch("[^\n]+") do n = n + 1 end
  return n
end
local tb = debug.traceback("msg")
print(tb:match("^[^\n]*"), select(2, tb:gsub("\n", "\n")), tb:find("stack traceback:", 1, true) ~= nil)
print(type(debug.traceback({})), debug.traceback(nil):match("^[^\n]*"), debug.traceback(12):match("^[^\n]*"))
local function lvl3() return debug.traceback("deep", 1) end
local function lvl2() local r = lvl3() return r end
function lvl1() local r = lvl2() return r end
local deep = lvl1()
print(lines_of(deep), deep:find("in local 'lvl3'", 1, true) ~= nil, deep:find("in function 'lvl1'", 1, true) ~= nil,
      deep:find("in main chunk", 1, true) ~= nil)
print(lines_of(debug.traceback("x", 3)), lines_of(debug.traceback("x", 50)))
local ok, handled = xpcall(function() error("boom") end, debug.traceback)
print(ok, handled:match("^[^\n]*"), handled:find("in function 'error'", 1, true) ~= nil)
local function rec(n) if n == 0 then return debug.traceback("rec") end return (rec(n - 1)) end
local long = rec(40)
print(lines_of(long), long:match("%.%.%.\t%(skipping (%d+) levels%)"))
print(debug.traceback(co):match("^[^\n]*"), lines_of(debug.traceback(co, "comsg")))

-- upvalues
local up1, up2 = 10, 20
local function useups() return up1 + up2 end
print(debug.getupvalue(useups, 1), debug.getupvalue(useups, 2), debug.getupvalue(useups, 3))
print(debug.setupvalue(useups, 1, 5), useups(), up1)
print(debug.getupvalue(string.gmatch("a", "a"), 1))

-- hooks are accepted; metatables and the registry
print(select("#", debug.sethook()), debug.gethook())
print(debug.getmetatable("x").__index == string, debug.getmetatable({}), type(debug.getregistry()))
local mt = {__metatable = "locked"}
local obj = setmetatable({}, mt)
print(getmetatable(obj), debug.getmetatable(obj) == mt, debug.setmetatable(obj, nil) == obj, getmetatable(obj))
