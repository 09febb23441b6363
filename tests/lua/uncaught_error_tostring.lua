-- an error object with __tostring is converted by the standalone interpreter
local E = setmetatable({msg = "custom error object"}, {__tostring = function(e) return "E: " .. e.msg end})
print("raising object with __tostring")
error(E)
