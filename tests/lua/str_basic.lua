-- len, upper, lower, reverse
local words = {"", "a", "Hello World", "MiXeD 123 !?", "\0\1\2", "ÄÖ ascii"}
for _, w in ipairs(words) do
  print(#w, string.len(w), w:upper(), w:lower(), w:reverse():len(), w:reverse() == string.reverse(w))
end
print(("abc"):reverse(), ("racecar"):reverse() == "racecar")
print(string.upper("hello123_xyz"), string.lower("HELLO123_XYZ"))
print(("x"):len(), (""):len())
print(string.len(123), string.upper(1.5))
print(pcall(string.len))
print(pcall(string.upper, {}))
