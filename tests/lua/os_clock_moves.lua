-- os.clock advances (a loop waiting for time to pass ends), and os.time and
-- os.date give the present, not 1970.
local t0 = os.clock()
local n = 0
while os.clock() - t0 < 0.05 do n = n + 1 end
print("clock moved", n > 0, os.clock() >= t0)
print(os.time() > 1600000000, os.date("%Y") >= "2024", os.date("!*t").year >= 2024)
