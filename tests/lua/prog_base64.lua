-- base64 encode/decode in pure Lua
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local enc_map, dec_map = {}, {}
for i = 1, 64 do
  local c = alphabet:sub(i, i)
  enc_map[i - 1] = c
  dec_map[c] = i - 1
end
local function encode(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = (a << 16) | ((b or 0) << 8) | (c or 0)
    out[#out + 1] = enc_map[(n >> 18) & 63]
    out[#out + 1] = enc_map[(n >> 12) & 63]
    out[#out + 1] = b and enc_map[(n >> 6) & 63] or "="
    out[#out + 1] = c and enc_map[n & 63] or "="
  end
  return table.concat(out)
end
local function decode(s)
  s = s:gsub("%s", "")
  if #s % 4 ~= 0 then error("invalid base64 length " .. #s) end
  local out = {}
  for i = 1, #s, 4 do
    local chunk = s:sub(i, i + 3)
    local n, pad = 0, 0
    for j = 1, 4 do
      local c = chunk:sub(j, j)
      if c == "=" then pad = pad + 1; n = n << 6
      else
        local v = dec_map[c]
        if not v then error("invalid character " .. c) end
        n = (n << 6) | v
      end
    end
    local bytes = string.char((n >> 16) & 255, (n >> 8) & 255, n & 255)
    out[#out + 1] = bytes:sub(1, 3 - pad)
  end
  return table.concat(out)
end
local tests = {"", "f", "fo", "foo", "foob", "fooba", "foobar", "Hello, World!", "Lua\0binary\255\1"}
for _, t in ipairs(tests) do
  local e = encode(t)
  print(string.format("%-22s -> %-24s %s", string.format("%q", t), e, tostring(decode(e) == t)))
end
local all = {}
for i = 0, 255 do all[#all + 1] = string.char(i) end
local blob = table.concat(all)
local e = encode(blob)
print(#e, e:sub(1, 40), decode(e) == blob)
print(decode("TWFu\nIGlz IGRp c3Rp bmd1 aXNo ZWQ="))
print(pcall(decode, "abc"))
print(pcall(decode, "ab*d"))
