-- identifiers, keywords as field names, and the _ENV name
local _ = 1
local _a1 = 2
local A_b_C = 3
local t = {["end"] = 1, ["while"] = 2, goto_ = 3}
t["and"] = 4
print(_, _a1, A_b_C, t["end"], t["while"], t.goto_, t["and"])
local goto_label = "ok"
print(goto_label)
print(type(_ENV), _ENV == _G)
local Print = print
Print("case sensitive")
local self = 10
print(self)
local x<const> = 7
print(x)
