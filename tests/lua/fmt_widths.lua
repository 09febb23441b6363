-- table-like formatting with widths
local rows = {{"apple", 3, 1.25}, {"banana", 12, 0.5}, {"cherry", 100, 10}}
print(string.format("%-10s %5s %8s", "item", "qty", "price"))
for _, r in ipairs(rows) do
  print(string.format("%-10s %5d %8.2f", r[1], r[2], r[3]))
end
local total = 0
for _, r in ipairs(rows) do total = total + r[2] * r[3] end
print(string.format("%-10s %14.2f", "total", total))
print(string.format("[%3d][%-3d][%03d]", 5, 5, 5))
print(string.format("[%8.3s]", "abcdef"))
print(string.format("%s", string.format("%5.1f%%", 99.44)))
print(("%d-%s"):format(1, "x"))
