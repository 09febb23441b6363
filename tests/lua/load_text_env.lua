-- load with text chunks and custom environments
local f = load("return 1 + 2")
print(f())
local env = {x = 10, y = 20}
local g = load("z = x + y; return z", "chunk", "t", env)
print(g(), env.z, rawget(_G, "z"))
local h = load("return print", "c", "t", {})
print(h())
local sandbox = setmetatable({}, {__index = _G})
load("newglobal = 'in sandbox'", "sb", "t", sandbox)()
print(sandbox.newglobal, newglobal)
local counter = load("count = (count or 0) + 1; return count", "cnt", "t", env)
print(counter(), counter(), env.count)
local fn = load("local a, b = ...; return a * b")
print(fn(6, 7))
local defs = load([[
  local M = {}
  function M.square(v) return v * v end
  return M
]])()
print(defs.square(9))
local e2 = {}
local setter = load("function f() return 'f from env' end", "=setter", "t", e2)
setter()
print(e2.f(), rawget(_G, "f"))
local withenv = load("local _ENV = {v = 5}; return v")
print(withenv())
print(load("return _ENV")() == _G)
local envc = {}
print(load("return _ENV", "x", "t", envc)() == envc)
