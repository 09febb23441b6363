-- inventory management with reports
local inventory = {}
local function add_item(sku, name, qty, price, tags)
  if inventory[sku] then error("duplicate sku " .. sku, 2) end
  inventory[sku] = {sku = sku, name = name, qty = qty, price = price, tags = tags or {}}
end
add_item("A100", "hammer", 12, 9.5, {"tools"})
add_item("A101", "screwdriver", 30, 4.25, {"tools"})
add_item("B200", "paint (red)", 5, 15.0, {"paint", "red"})
add_item("B201", "paint (blue)", 0, 15.0, {"paint", "blue"})
add_item("C300", "ladder", 2, 89.99, {"tools", "large"})
add_item("D400", "gloves", 100, 2.0, {"safety"})
print(pcall(add_item, "A100", "dup", 1, 1))
local function sorted_skus(pred)
  local out = {}
  for sku, item in pairs(inventory) do if not pred or pred(item) then out[#out + 1] = sku end end
  table.sort(out)
  return out
end
local function report(title, skus)
  print("== " .. title .. " ==")
  local total = 0
  for _, sku in ipairs(skus) do
    local it = inventory[sku]
    local value = it.qty * it.price
    total = total + value
    print(string.format("%-5s %-14s %4d x %7.2f = %9.2f", sku, it.name, it.qty, it.price, value))
  end
  print(string.format("%-36s %9.2f", "TOTAL", total))
end
report("all items", sorted_skus())
report("tools", sorted_skus(function(i) for _, t in ipairs(i.tags) do if t == "tools" then return true end end end))
report("out of stock", sorted_skus(function(i) return i.qty == 0 end))
local function sell(sku, n)
  local it = inventory[sku]
  if not it then return nil, "unknown sku" end
  if it.qty < n then return nil, string.format("only %d left", it.qty) end
  it.qty = it.qty - n
  return it.qty
end
print(sell("A100", 5), sell("B201", 1), sell("Z999", 1), sell("D400", 100))
local by_tag = {}
for _, sku in ipairs(sorted_skus()) do
  for _, t in ipairs(inventory[sku].tags) do
    by_tag[t] = by_tag[t] or {}
    table.insert(by_tag[t], sku)
  end
end
local tags = {}
for t in pairs(by_tag) do tags[#tags + 1] = t end
table.sort(tags)
for _, t in ipairs(tags) do print(t, table.concat(by_tag[t], ",")) end
