local x = ...
local a = x < 127, x < 128, x < -127, x < -128, x <= 1.0, x > 1.5, x >= -0.0
local b = 1 < x, 127 >= x, 200 > x, 1.0 == x, x == -1, x ~= 200
local c = x == "s", x ~= true, x == false, x == nil, nil == x, "s" == x
local d = 1 < 2, 1 == 1.0, "a" < "b"
