-- deep tail calls through varied call forms
local state = {n = 0}
local a, b, c
function a(n) if n == 0 then return "a-end" end state.n = state.n + 1 return b(n - 1) end
function b(n) if n == 0 then return "b-end" end return c(n - 1) end
function c(n) if n == 0 then return "c-end" end return a(n - 1) end
print(a(999999), state.n)
local obj = {}
function obj:ping(n) if n == 0 then return "ping" end return self:pong(n - 1) end
function obj:pong(n) if n == 0 then return "pong" end return self:ping(n - 1) end
print(obj:ping(1000001))
local callable = setmetatable({}, {__call = function(self, n)
  if n == 0 then return "callable done" end
  return self(n - 1)
end})
print(callable(100000))
local function trampoline_free(n, acc) if n == 0 then return acc end return trampoline_free(n - 1, (acc * 31 + n) % 1000003) end
print(trampoline_free(1500000, 7))
