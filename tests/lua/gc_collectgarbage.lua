-- deterministic collectgarbage results
print(type(collectgarbage("count")) == "number")
print(collectgarbage("isrunning"))
print(collectgarbage())
print(collectgarbage("collect"))
print(type(collectgarbage("step")))
print(collectgarbage("incremental"))
print(collectgarbage("generational"))
print(collectgarbage("incremental"))
collectgarbage("stop")
print(collectgarbage("isrunning"))
collectgarbage("restart")
print(collectgarbage("isrunning"))
local before = collectgarbage("count")
local t = {}
for i = 1, 10000 do t[i] = {i} end
print(collectgarbage("count") > before)
t = nil
collectgarbage()
print(math.type(collectgarbage("count")))
