-- long brackets at several levels
local a = [[simple]]
local b = [==[contains ]] and ]=] inside]==]
local c = [[
first newline skipped]]
local d = [=[
line1
line2
]=]
local e = [===[a]==]b]===]
local f = [[\n is not an escape \t]]
print(a)
print(b)
print(c)
io.write(d)
print(e)
print(f, #f)
print(#[[

x]])
print([[]] == "", #[[]])
local g = [====[
[[nested]] [=[more]=] ]]]]
]====]
io.write(g)
print(#d, #g)
local crlf = load("return [[\r\nX\r\nY]]")()
print(#crlf, crlf:byte(1), crlf:byte(2))
