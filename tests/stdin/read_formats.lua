-- Reads stdin with every io.read format, then io.lines; the input is
-- `seq 1 30000` (about 170 KB, so it arrives in several chunks).
local first = io.read()
local n1, n2 = io.read("n", "n")
local rest_of_line = io.read("L")
local five = io.read(5)
print(first, n1, math.type(n1), n2, ("%q"):format(rest_of_line), ("%q"):format(five))
local line = io.read("l")
print("line", line, io.read(0) == "")
local count, sum, longest = 0, 0, 0
for l in io.lines() do
  count = count + 1
  sum = sum + tonumber(l)
  longest = math.max(longest, #l)
  if count == 20000 then break end
end
print("lines", count, sum, longest)
local chunk = io.stdin:read(12)
print("chunk", ("%q"):format(chunk))
local all = io.read("a")
print("all", #all, all:sub(1, 6) == "23344\n", all:sub(-6))
print("after end", io.read(), io.read("a") == "", io.read(0), io.read("n"))
for l in io.stdin:lines() do print("never", l) end
