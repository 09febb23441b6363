-- syntax error: function without end
print("this never runs")
local function f(x)
  if x then
    return 1
  end

print(f(true))
