-- syntax error: unfinished long string
print("this never runs")
local s = [==[
some text ]] that does not close
