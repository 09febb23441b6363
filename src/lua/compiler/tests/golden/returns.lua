local function a() return end
local function b() return 1 end
local function c() return 1, 2 end
local function d(x) return x end
local function e(...) return ... end
local function f(...) return select(1, ...) end
local function g(t) return t.x, t:y() end
local function h() return (a()) end
local function i() return a(), b() end
local function j(x) local y = x; return y; end
return a, b, c, d, e, f, g, h, i, j
