-- the standard files are userdata
local out = io.stdout
print(type(out), type(io.stdin), type(io.stderr), io.type(out), io.type({}), io.type(42))
print(getmetatable(out).__name, getmetatable(out) == getmetatable(io.stdin))
print(tostring(out):match("^file %(0x%x+%)$") ~= nil, out == io.stdout, out ~= io.stdin)
print(rawequal(out, io.stdout), select("#", out:write("")))

local function e(f, ...)
  local ok, m = pcall(f, ...)
  print(ok, m)
end
e(rawget, out, "write")
e(rawset, out, "x", 1)
e(rawlen, out)
e(setmetatable, out, {})
e(next, out)
e(ipairs(out))
e(function() for k in pairs(out) do end end)
e(function() out.x = 1 end)
e(function() return #out end)
e(function() return out + 1 end)
e(function() return out < io.stdin end)
e(function() return out .. "" end)
e(function() return out() end)
e(function() return io.stdin.nothing end)
e(table.insert, out, 1)
e(string.rep, out)
e(out.write, {}, "x")
e(io.stdout.write, "not a file")

-- userdata as table keys and in weak tables
local t = {[out] = "stdout", [io.stderr] = "stderr"}
print(t[io.stdout], t[io.stderr], t[io.stdin])
local weak = setmetatable({}, {__mode = "k"})
weak[out] = true
collectgarbage()
print(weak[io.stdout])
print(string.format("%s", out):sub(1, 6), #tostring(io.stderr) > 6)
print(io.write("written\n") == out)
