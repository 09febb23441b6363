-- run-length encoding and decoding
local function encode(s)
  local out = {}
  local i = 1
  while i <= #s do
    local c = s:sub(i, i)
    local j = i
    while j < #s and s:sub(j + 1, j + 1) == c do j = j + 1 end
    local n = j - i + 1
    out[#out + 1] = (n > 1 and n or "") .. c
    i = j + 1
  end
  return table.concat(out)
end
local function decode(s)
  return (s:gsub("(%d*)(%D)", function(n, c) return c:rep(n == "" and 1 or tonumber(n)) end))
end
local samples = {"", "a", "aaaa", "abc", "aaabbbcccd", "WWWWWWWWWWWWBWWWWWWWWWWWWBBBWWWWWWWWWWWWWWWWWWWWWWWWBWWWWWWWWWWWWWW", "xyzzzzzzzzzzzzzzzzzzzzy"}
for _, s in ipairs(samples) do
  local e = encode(s)
  print(string.format("%-3d %-40s %s", #s, e, tostring(decode(e) == s)))
end
local function encode_bytes(s)
  local out = {}
  local i = 1
  while i <= #s do
    local c = s:byte(i)
    local n = 1
    while n < 255 and s:byte(i + n) == c do n = n + 1 end
    out[#out + 1] = string.char(n, c)
    i = i + n
  end
  return table.concat(out)
end
local function decode_bytes(s)
  local out = {}
  for i = 1, #s, 2 do out[#out + 1] = string.char(s:byte(i + 1)):rep(s:byte(i)) end
  return table.concat(out)
end
local data = ("\0"):rep(600) .. "abc" .. ("\255"):rep(10)
local enc = encode_bytes(data)
print(#data, #enc, decode_bytes(enc) == data)
local hex = enc:gsub(".", function(c) return string.format("%02x", c:byte()) end)
print(hex)
