-- syntax error: break outside a loop
print("this never runs")
local function f()
  break
end
