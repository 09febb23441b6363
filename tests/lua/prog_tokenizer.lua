-- a tokenizer for a small expression language
local function tokenize(src)
  local tokens = {}
  local i = 1
  local keywords = {["let"] = true, ["if"] = true, ["then"] = true, ["else"] = true, ["end"] = true}
  while i <= #src do
    local c = src:sub(i, i)
    if c:match("%s") then
      i = i + 1
    elseif src:sub(i, i + 1) == "--" then
      local e = src:find("\n", i) or #src + 1
      i = e
    elseif c:match("%d") then
      local num = src:match("^%d+%.?%d*", i)
      tokens[#tokens + 1] = {type = "number", value = tonumber(num)}
      i = i + #num
    elseif c:match("[%a_]") then
      local id = src:match("^[%w_]+", i)
      tokens[#tokens + 1] = {type = keywords[id] and "keyword" or "ident", value = id}
      i = i + #id
    elseif c == '"' then
      local j = i + 1
      local buf = {}
      while j <= #src and src:sub(j, j) ~= '"' do
        if src:sub(j, j) == "\\" then j = j + 1 end
        buf[#buf + 1] = src:sub(j, j)
        j = j + 1
      end
      if j > #src then error("unterminated string at " .. i) end
      tokens[#tokens + 1] = {type = "string", value = table.concat(buf)}
      i = j + 1
    else
      local two = src:sub(i, i + 1)
      if two == "==" or two == "~=" or two == "<=" or two == ">=" then
        tokens[#tokens + 1] = {type = "op", value = two}; i = i + 2
      elseif ("+-*/()=<>,;"):find(c, 1, true) then
        tokens[#tokens + 1] = {type = "op", value = c}; i = i + 1
      else
        error(string.format("unexpected character %q at position %d", c, i))
      end
    end
  end
  return tokens
end
local src = [[
let x = 42 -- the answer
let name = "Lua \"5.4\""
if x >= 10 then print(x * 2.5, name) else print(0) end
]]
for i, t in ipairs(tokenize(src)) do
  print(i, t.type, tostring(t.value), math.type(t.value) or "")
end
print(pcall(tokenize, "let y = 3 $ 4"))
print(pcall(tokenize, 'let s = "open'))
local counts = {}
for _, t in ipairs(tokenize(src)) do counts[t.type] = (counts[t.type] or 0) + 1 end
local ks = {}
for k in pairs(counts) do ks[#ks + 1] = k end
table.sort(ks)
for _, k in ipairs(ks) do io.write(k, "=", counts[k], " ") end
print()
