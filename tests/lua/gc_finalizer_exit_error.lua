-- finalizers still run when the program ends with an uncaught error
X = setmetatable({}, {__gc = function() print("finalized X") end})
local y = setmetatable({}, {__gc = function() print("finalized y") end})
print("before error")
error("stop here")
