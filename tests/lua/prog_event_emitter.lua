-- an event emitter with once-handlers, priorities and error isolation
local Emitter = {}
Emitter.__index = Emitter
function Emitter.new() return setmetatable({handlers = {}, seq = 0}, Emitter) end
function Emitter:on(event, fn, opts)
  opts = opts or {}
  self.seq = self.seq + 1
  local list = self.handlers[event] or {}
  self.handlers[event] = list
  list[#list + 1] = {fn = fn, once = opts.once, prio = opts.priority or 0, seq = self.seq}
  table.sort(list, function(a, b) if a.prio ~= b.prio then return a.prio > b.prio end return a.seq < b.seq end)
  return self.seq
end
function Emitter:once(event, fn, opts) opts = opts or {}; opts.once = true; return self:on(event, fn, opts) end
function Emitter:off(event, id)
  local list = self.handlers[event] or {}
  for i, h in ipairs(list) do if h.seq == id then table.remove(list, i); return true end end
  return false
end
function Emitter:emit(event, ...)
  local list = self.handlers[event]
  if not list then return 0 end
  local snapshot = {table.unpack(list)}
  local called, errors = 0, {}
  for _, h in ipairs(snapshot) do
    if h.once then self:off(event, h.seq) end
    local ok, err = pcall(h.fn, ...)
    called = called + 1
    if not ok then errors[#errors + 1] = err end
  end
  return called, errors
end
local em = Emitter.new()
local log = {}
em:on("data", function(x) log[#log + 1] = "A" .. x end)
em:on("data", function(x) log[#log + 1] = "B" .. x end, {priority = 10})
local cid = em:on("data", function(x) log[#log + 1] = "C" .. x end)
em:once("data", function(x) log[#log + 1] = "once" .. x end, {priority = 5})
em:on("data", function(x) if x == 2 then error("handler failed on " .. x, 0) end end)
local n1 = em:emit("data", 1)
local n2, errs = em:emit("data", 2)
em:off("data", cid)
local n3 = em:emit("data", 3)
print(n1, n2, n3, #errs, errs[1])
print(table.concat(log, " "))
print(em:emit("nothing"))
print(em:off("data", 999))
