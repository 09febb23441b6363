local t = {}
function t.a() end
function t.b.c.d() end
function t:e(...) return self, ... end
local function f(a, b, c) return function(...) return a, b, c, ... end end
local g = function(self) return self end
local h = function(...) local x <const> = 1; return x, ... end
return f(1, 2, 3)(4, 5)
