-- syntax error: unfinished string
print("this never runs")
local s = "no closing quote
print(s)
