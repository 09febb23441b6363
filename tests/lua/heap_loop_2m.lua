-- a 2-million-iteration arithmetic loop
local acc, x = 0, 0
for i = 1, 2000000 do
  x = (x * 1103515245 + 12345) & 0x7fffffff
  if x % 3 == 0 then acc = acc + (x >> 16) else acc = acc ~ i end
end
print(acc, x)
local f = 0.0
for i = 1, 200000 do f = f + 1 / i end
print(string.format("%.10f", f))
