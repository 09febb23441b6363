-- string.format argument errors
local function try(...) print(pcall(string.format, ...)) end
try("%d", 1.5)
try("%d", {})
try("%f", "abc")
try("%c", "x")
try("%x", nil)
try("%s %s", "one")
try("%", 1)
try("%-", 1)
try("%q", setmetatable({}, {__tostring = function() return "x" end}))
try("%5", 1)
try(nil)
try("%i", 2^63)
