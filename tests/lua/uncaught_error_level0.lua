-- error with level 0 has no position prefix
print("validating")
local function validate(x) if x < 0 then error("negative input not allowed", 0) end return x end
print(validate(5))
print(validate(-1))
