print("hello")
print "x"
print {1}
local t = {}
t:m(1, 2)
t.a.b.c:d()
local f = function(...) return ... end
f(1, f(2, 3))
f(...)
return f(1, 2)
