-- table.sort with comparators
local t = {5, 3, 8, 1, 9, 2}
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, " "))
local people = {
  {name = "Ann", age = 30}, {name = "Bob", age = 25}, {name = "Cid", age = 35},
  {name = "Dee", age = 25}, {name = "Eve", age = 30},
}
table.sort(people, function(a, b)
  if a.age ~= b.age then return a.age < b.age end
  return a.name < b.name
end)
for _, p in ipairs(people) do io.write(p.name, "(", p.age, ") ") end
print()
local words = {"Banana", "apple", "Cherry", "date"}
table.sort(words, function(a, b) return a:lower() < b:lower() end)
print(table.concat(words, " "))
local bylen = {"ccc", "a", "bb", "dddd", "ee"}
table.sort(bylen, function(a, b)
  if #a ~= #b then return #a < #b end
  return a < b
end)
print(table.concat(bylen, " "))
local ok, err = pcall(table.sort, {1, 2, 3, 4, 5}, function(a, b) error("cmp failed") end)
print(ok, err)
local evens_first = {1, 2, 3, 4, 5, 6, 7, 8}
table.sort(evens_first, function(a, b)
  local ea, eb = a % 2 == 0, b % 2 == 0
  if ea ~= eb then return ea end
  return a < b
end)
print(table.concat(evens_first, " "))
