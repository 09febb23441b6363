-- syntax error: malformed number
print("this never runs")
local n = 3.4.5
