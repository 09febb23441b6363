-- text formatting: word wrap, justify, center, and a table printer
local text = "Lua is a powerful, efficient, lightweight, embeddable scripting language. It supports procedural programming, object-oriented programming, functional programming, data-driven programming, and data description."
local function wrap(s, width)
  local lines, line = {}, ""
  for word in s:gmatch("%S+") do
    if #line == 0 then line = word
    elseif #line + 1 + #word <= width then line = line .. " " .. word
    else lines[#lines + 1] = line; line = word end
  end
  if #line > 0 then lines[#lines + 1] = line end
  return lines
end
local function justify(line, width)
  local words = {}
  for w in line:gmatch("%S+") do words[#words + 1] = w end
  if #words == 1 then return line end
  local total = 0
  for _, w in ipairs(words) do total = total + #w end
  local gaps = #words - 1
  local spaces = width - total
  local out = {}
  for i, w in ipairs(words) do
    out[#out + 1] = w
    if i <= gaps then
      local n = spaces // gaps + ((i <= spaces % gaps) and 1 or 0)
      out[#out + 1] = string.rep(" ", n)
    end
  end
  return table.concat(out)
end
local function center(s, width) local pad = width - #s; return string.rep(" ", pad // 2) .. s .. string.rep(" ", pad - pad // 2) end
local lines = wrap(text, 40)
for i, l in ipairs(lines) do
  print("|" .. (i < #lines and justify(l, 40) or l .. string.rep(" ", 40 - #l)) .. "|")
end
print("|" .. center("centered title", 40) .. "|")
print("|" .. center("odd", 40) .. "|")
local function print_table(rows)
  local widths = {}
  for _, r in ipairs(rows) do for i, c in ipairs(r) do widths[i] = math.max(widths[i] or 0, #tostring(c)) end end
  local sep = {}
  for i, w in ipairs(widths) do sep[i] = string.rep("-", w + 2) end
  local border = "+" .. table.concat(sep, "+") .. "+"
  print(border)
  for ri, r in ipairs(rows) do
    local cells = {}
    for i, c in ipairs(r) do
      local s = tostring(c)
      cells[i] = " " .. (type(c) == "number" and string.rep(" ", widths[i] - #s) .. s or s .. string.rep(" ", widths[i] - #s)) .. " "
    end
    print("|" .. table.concat(cells, "|") .. "|")
    if ri == 1 then print(border) end
  end
  print(border)
end
print_table({{"language", "year", "typing"}, {"Lua", 1993, "dynamic"}, {"C", 1972, "static"}, {"Python", 1991, "dynamic"}})
