-- string.gmatch iteration
for w in string.gmatch("one two  three", "%a+") do io.write("<", w, ">") end
print()
for k, v in string.gmatch("a=1;b=22;ccc=333", "(%w+)=(%w+)") do io.write(k, ":", v, " ") end
print()
for pos in string.gmatch("abcabc", "()b") do io.write(pos, " ") end
print()
local n = 0
for _ in string.gmatch("", ".") do n = n + 1 end
print("empty", n)
local parts = {}
for m in ("a,b,,c,"):gmatch("([^,]*)") do parts[#parts + 1] = "[" .. m .. "]" end
print(table.concat(parts))
for c in ("héllo"):gmatch(utf8.charpattern) do io.write(c, "|") end
print()
local nums = {}
for num in ("10 -3 4.5 +7 1e3"):gmatch("[+-]?%d+%.?%d*") do nums[#nums + 1] = tonumber(num) end
print(table.concat(nums, " "))
for a in ("xyz"):gmatch("") do io.write("[", a, "]") end
print()
for a, b in ("ab"):gmatch("()(.)") do io.write(a, b, " ") end
print()
local it = ("1 2 3"):gmatch("%d")
print(it(), it(), it(), it())
for w in ("hello world from lua"):gmatch("%a+", 7) do io.write(w, ";") end
print()
