-- decimal escapes with 1-3 digits followed by digits
local s = "\1\12\123\0012\49\0499"
for i = 1, #s do io.write(s:byte(i), " ") end
print()
print("\9" == "\t", "\10" == "\n", "\013" == "\r")
print("\0651" == "A1")
local all = {}
for i = 0, 255, 51 do all[#all + 1] = load('return "\\' .. i .. '"')():byte() end
print(table.concat(all, ","))
local ok, err = load('return "\\256"')
print(ok, err)
local ok2, err2 = load('return "\\xZZ"')
print(ok2, err2)
local ok3, err3 = load('return "\\q"')
print(ok3, err3)
local ok4, err4 = load('return "\\u{110000000}"')
print(ok4, err4)
