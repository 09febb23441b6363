-- collectgarbage options and their results
print(collectgarbage("isrunning"))
print(collectgarbage("incremental"))      -- lua.c starts generational
print(collectgarbage("generational"))
print(collectgarbage("incremental", 0, 0, 0))
print(collectgarbage("setpause", 150), collectgarbage("setpause", 300), collectgarbage("setpause", 200))
print(collectgarbage("setstepmul", 150), collectgarbage("setstepmul", 1000), collectgarbage("setstepmul", 100))
print(collectgarbage("setpause", 2000), collectgarbage("setpause", 200))
print(collectgarbage("incremental", 180, 120, 12))
print(collectgarbage("setpause", 200), collectgarbage("setstepmul", 100))
print(math.type(collectgarbage("count")))
print(collectgarbage("stop"), collectgarbage("isrunning"))
print(collectgarbage("restart"), collectgarbage("isrunning"))
print(collectgarbage("collect"), collectgarbage())
print(pcall(collectgarbage, "nonsense"))
print(select("#", collectgarbage("step")))

-- a step returns true when it finishes a cycle
local n = 0
repeat n = n + 1 until collectgarbage("step") or n > 1000
print("cycle finished by steps", n <= 1000)
print("big step", collectgarbage("step", 100000))

-- stepping with a finalizer pending runs it by the end of the cycle
local ran = false
setmetatable({}, {__gc = function() ran = true end})
repeat until collectgarbage("step")
print("finalizer ran", ran)

-- memory goes back after a collection
collectgarbage()
local base = collectgarbage("count")
local big = {}
for i = 1, 20000 do big[i] = {i, i + 0.5} end
local full = collectgarbage("count")
print("grew", full > base + 500)
big = nil
collectgarbage()
print("returned", collectgarbage("count") < base + 100)

-- stopped: no automatic collection, but collect still works
collectgarbage("stop")
local w = setmetatable({}, {__mode = "v"})
w[1] = {}
collectgarbage()
print("collected while stopped", w[1] == nil, collectgarbage("isrunning"))
collectgarbage("restart")
