-- syntax error: unexpected symbol
print("this never runs")
local x = 1 +* 2
