local a = 1
local function f() a = a + 1; return a end
local function g(x) return function(y) return x + y + a end end
local t = {}
function t.m(self, x) return self, x end
function t:n(x) return self, x end
function t.a.b:c() end
do local b = 2; t.f = function() return b end end
