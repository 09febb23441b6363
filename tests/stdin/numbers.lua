-- io.read("n") on hexadecimal, signed, exponent, malformed and huge
-- numerals, then a failed read, the rest of the line, and a number that
-- ends at the end of input.
local function show(...) local t = table.pack(...) for i = 1, t.n do t[i] = tostring(t[i]) .. ":" .. (math.type(t[i]) or type(t[i])) end print(table.concat(t, " ")) end
show(io.read("n", "n", "n", "n"))
show(io.read("n"))
show(io.read("n"))
show(io.read("n", "n"))
show(io.read("n"))
print(("%q"):format(io.read("l")))
show(io.read("n"))
print(io.read(1), io.read("n"), io.read("n"))
