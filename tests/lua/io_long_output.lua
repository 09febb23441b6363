-- printing and writing long strings: each needs more pages than a small
-- physical heap has, so they are written a slice per step
local line = "0123456789abcdefghijklmnopqrstuvwxyz\n"
local big = line:rep(4500)            -- 166500 bytes
print(#big)
print("x", big:sub(1, 80000), 42)
io.write(big:sub(80001), "after write\n")
local t = setmetatable({}, {__tostring = function() return big:sub(1, 70000) end})
print(t, "end")
local f = io.stdout:write(big:sub(-37 * 2)):write("chained\n")
print(f == io.stdout, io.write() == io.stdout)
