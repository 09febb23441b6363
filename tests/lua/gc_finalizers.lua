-- __gc finalizers: order, once, resurrection, errors (after full collections)
collectgarbage("incremental")  -- generational mode may reorder finalizers
collectgarbage()  -- no cycle in progress: each collection below is a whole one
local log = {}
local function note(s) log[#log + 1] = s end

local mt = {__gc = function(o) note("gc " .. o.name) end}
for i = 1, 4 do
  setmetatable({name = "t" .. i}, mt)
end
collectgarbage()
print(table.concat(log, " "))
log = {}

-- a finalizer runs once, even if the object comes back
local saved
local back = setmetatable({name = "back"}, {__gc = function(o) note("gc " .. o.name); saved = o end})
back = nil
collectgarbage()
print(table.concat(log, " "), saved and saved.name)
log = {}
saved = nil
collectgarbage()
collectgarbage()
print("again:", #log)

-- the resurrected object keeps what it refers to
local inner
do
  local obj = setmetatable({child = {value = 99}}, {__gc = function(o) inner = o.child end})
end
collectgarbage()
print("child value", inner and inner.value)

-- __gc added to the metatable after setmetatable is ignored
local late = {}
local lobj = setmetatable({}, late)
late.__gc = function() note("late") end
lobj = nil
collectgarbage()
print("late:", #log)

-- __gc set when setmetatable runs, replaced before collection: the new one runs
local m2 = {__gc = function() note("first") end}
local o2 = setmetatable({}, m2)
m2.__gc = function() note("second") end
o2 = nil
collectgarbage()
print(table.concat(log, " "))
log = {}

-- errors in finalizers are not errors of the program
setmetatable({}, {__gc = function() error("boom") end})
setmetatable({}, {__gc = 42})
setmetatable({}, {__gc = function() note("after errors") end})
collectgarbage()
print(table.concat(log, " "))
log = {}

-- collectgarbage inside a finalizer reports fail
local inside
setmetatable({}, {__gc = function() inside = {collectgarbage(), collectgarbage("count"), collectgarbage("step")} end})
collectgarbage()
print("inside", inside and #inside, inside and inside[1])

-- a finalizer may allocate and print
setmetatable({}, {__gc = function()
  local t = {}
  for i = 1, 100 do t[i] = tostring(i) end
  print("finalizer made", #t)
end})
collectgarbage()

-- objects alive at the end are finalized at exit, newest first
A = setmetatable({}, {__gc = function() print("exit A") end})
B = setmetatable({}, {__gc = function() print("exit B") end})
local c = setmetatable({}, {__gc = function() print("exit c") end})
print("end of program")
