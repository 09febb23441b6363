-- malformed patterns raise errors
local pats = {"[a", "%", "(", ")", "%b", "%f", "[%", "(()", "%g(", "a%"}
for _, p in ipairs(pats) do
  local ok, err = pcall(string.find, "abc", p)
  print(string.format("%-6s", p), ok, err)
end
print(pcall(string.rep))
print(pcall(string.gsub, "x", "x"))
print(pcall(string.find))
print(pcall(string.gmatch, nil, "x"))
local deep = string.rep("(", 40) .. "a" .. string.rep(")", 40)
print(pcall(string.match, "a", deep))
