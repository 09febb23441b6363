-- a small JSON encoder (sorted keys) and decoder
local json = {}

local escapes = {['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f',
  ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t'}

local function encode_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return escapes[c] or string.format("\\u%04x", c:byte())
  end) .. '"'
end

local function is_array(t)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  for i = 1, n do if t[i] == nil then return false end end
  return true, n
end

function json.encode(v, indent, cur)
  cur = cur or ""
  local t = type(v)
  if t == "nil" then return "null"
  elseif t == "boolean" then return tostring(v)
  elseif t == "number" then
    if v ~= v or v == math.huge or v == -math.huge then error("cannot encode non-finite number") end
    if math.type(v) == "integer" then return tostring(v) end
    return string.format("%.14g", v)
  elseif t == "string" then return encode_string(v)
  elseif t == "table" then
    local arr, n = is_array(v)
    local nl = indent and "\n" or ""
    local inner = indent and (cur .. indent) or ""
    local parts = {}
    if arr and n > 0 then
      for i = 1, n do parts[i] = inner .. json.encode(v[i], indent, inner) end
      return "[" .. nl .. table.concat(parts, "," .. nl) .. nl .. (indent and cur or "") .. "]"
    end
    local keys = {}
    for k in pairs(v) do
      if type(k) ~= "string" then error("non-string key: " .. tostring(k)) end
      keys[#keys + 1] = k
    end
    table.sort(keys)
    if #keys == 0 then return "{}" end
    for i, k in ipairs(keys) do
      parts[i] = inner .. encode_string(k) .. ":" .. (indent and " " or "") .. json.encode(v[k], indent, inner)
    end
    return "{" .. nl .. table.concat(parts, "," .. nl) .. nl .. (indent and cur or "") .. "}"
  end
  error("cannot encode type " .. t)
end

function json.decode(s)
  local pos = 1
  local function ws() pos = s:find("[^ \t\r\n]", pos) or #s + 1 end
  local value
  local function str()
    local out = {}
    pos = pos + 1
    while true do
      local c = s:sub(pos, pos)
      if c == '"' then pos = pos + 1; break
      elseif c == "\\" then
        local e = s:sub(pos + 1, pos + 1)
        local map = {b = "\b", f = "\f", n = "\n", r = "\r", t = "\t", ['"'] = '"', ["\\"] = "\\", ["/"] = "/"}
        if e == "u" then
          out[#out + 1] = utf8.char(tonumber(s:sub(pos + 2, pos + 5), 16)); pos = pos + 6
        else out[#out + 1] = map[e]; pos = pos + 2 end
      else out[#out + 1] = c; pos = pos + 1 end
    end
    return table.concat(out)
  end
  function value()
    ws()
    local c = s:sub(pos, pos)
    if c == "{" then
      local obj = {}
      pos = pos + 1; ws()
      if s:sub(pos, pos) == "}" then pos = pos + 1; return obj end
      while true do
        ws(); local k = str(); ws()
        pos = pos + 1 -- colon
        obj[k] = value(); ws()
        local d = s:sub(pos, pos); pos = pos + 1
        if d == "}" then return obj end
      end
    elseif c == "[" then
      local arr = {}
      pos = pos + 1; ws()
      if s:sub(pos, pos) == "]" then pos = pos + 1; return arr end
      while true do
        arr[#arr + 1] = value(); ws()
        local d = s:sub(pos, pos); pos = pos + 1
        if d == "]" then return arr end
      end
    elseif c == '"' then return str()
    elseif s:find("^true", pos) then pos = pos + 4; return true
    elseif s:find("^false", pos) then pos = pos + 5; return false
    elseif s:find("^null", pos) then pos = pos + 4; return nil
    else
      local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
      if not num or num == "" then error("unexpected character '" .. c .. "' at " .. pos) end
      pos = pos + #num
      return math.tointeger(tonumber(num)) or tonumber(num)
    end
  end
  local v = value()
  return v
end

local data = {
  name = "widget", id = 1234, price = 9.99, tags = {"a", "b", "c"},
  dims = {w = 10, h = 2.5}, active = true, notes = "line1\nline2 \"quoted\" \1",
  empty_obj = {}, nested = {{x = 1}, {x = 2, y = {false}}},
}
local compact = json.encode(data)
print(compact)
print(json.encode(data, "  "))
local back = json.decode(compact)
print(json.encode(back) == compact)
print(back.tags[2], back.dims.h, back.nested[2].y[1], back.notes:len())
print(pcall(json.encode, {[1] = 1, [3] = 3}))
print(pcall(json.encode, 0/0))
print(pcall(json.decode, "[1, @]"))
print(json.encode(json.decode('{"z":[1,2,{"q":null}],"a":"\\u0041\\n"}')))
