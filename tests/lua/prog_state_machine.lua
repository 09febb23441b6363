-- a tiny state machine: traffic light and a vending machine
local function machine(def)
  local m = {state = def.initial, log = {}}
  function m:fire(event, ...)
    local trans = def.states[self.state][event]
    if not trans then
      self.log[#self.log + 1] = string.format("%s: ignored %s", self.state, event)
      return false
    end
    local target, action = trans[1], trans[2]
    if action then action(self, ...) end
    self.log[#self.log + 1] = string.format("%s --%s--> %s", self.state, event, target)
    self.state = target
    return true
  end
  return m
end
local light = machine({initial = "red", states = {
  red = {timer = {"green"}},
  green = {timer = {"yellow"}, emergency = {"red"}},
  yellow = {timer = {"red"}, emergency = {"red"}},
}})
for _, e in ipairs({"timer", "timer", "emergency", "timer", "bogus", "timer", "timer", "timer"}) do light:fire(e) end
print(table.concat(light.log, "\n"))
print("final", light.state)
local credit = 0
local vend = machine({initial = "idle", states = {
  idle = {coin = {"paying", function(_, v) credit = credit + v end}},
  paying = {
    coin = {"paying", function(_, v) credit = credit + v end},
    select = {"dispensing", function(m, item) m.item = item end},
    refund = {"idle", function() credit = 0 end},
  },
  dispensing = {take = {"idle", function(m) credit = credit - 50; m.item = nil end}},
}})
vend:fire("select", "cola")
vend:fire("coin", 25)
vend:fire("coin", 25)
vend:fire("select", "cola")
print("dispensing", vend.item, "credit", credit)
vend:fire("take")
vend:fire("coin", 10)
vend:fire("refund")
print(table.concat(vend.log, "\n"))
print("credit", credit, "state", vend.state)
