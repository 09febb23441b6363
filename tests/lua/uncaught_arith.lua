-- ends with arithmetic on a field that is nil
local config = {width = 10}
print("width", config.width)
local area = config.width * config.height
print("area", area)
