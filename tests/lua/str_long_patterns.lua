-- pattern matching over subjects of several hundred KiB
local words = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"}
local parts = {}
for i = 1, 40000 do
  parts[i] = words[i % #words + 1] .. (i % 97 == 0 and "\n" or " ")
end
local text = table.concat(parts) .. "THE END 12345"
print(#text)

-- find: plain, pattern, anchored, with init, near the end, absent
print(text:find("THE END"), text:find("THE END", 1, true), text:find("%u+ %u+"))
print(text:find("%d+"), text:find("^alpha"), text:find("^beta"), text:find("missing", 1, true), text:find("x%d"))
print(text:find("gamma", 200000), text:find("gamma", -100), text:find("e", #text - 3, true))
print(text:find("(%a+) (%a+)\n", 100000))
print(text:match("(%d+)$"), text:match("END (%d)(%d)"), text:match("()THE"), text:match("zz"))

-- gmatch: count words and lines, positions
local count, lines, last = 0, 0, nil
for w in text:gmatch("%a+") do count = count + 1; last = w end
for l in text:gmatch("[^\n]*\n") do lines = lines + 1 end
print(count, lines, last)
local posns = {}
for p in text:gmatch("()THE") do posns[#posns + 1] = p end
print(#posns, posns[1])
local k = 0
for a, b in text:gmatch("(zeta) (eta)") do k = k + 1 end
print(k)

-- gsub: replacements by string, function, table, with a limit, anchored
local r, n = text:gsub("alpha", "A")
print(#r, n, r:sub(1, 40))
r, n = text:gsub("%s+", " ")
print(#r, n)
r, n = text:gsub("(%a+)", {beta = "B", theta = false})
print(#r, n, r:sub(1, 30))
r, n = text:gsub("(%a)(%a*)", function(a, b) if a == "d" then return b:upper() end end)
print(#r, n, r:sub(1, 50))
r, n = text:gsub("eta", "%0%0", 1000)
print(#r, n)
r, n = text:gsub("^alpha", "start")
print(#r, n, r:sub(1, 12))
r, n = text:gsub("", "")
print(#r, n)
print(select(2, text:gsub("\n", "\n")))
