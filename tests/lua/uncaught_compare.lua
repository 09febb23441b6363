-- ends with comparing a number with nil
local limits = {low = 1}
print("checking")
if 5 > limits.high then print("over") end
