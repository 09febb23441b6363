-- relational operators on numbers and strings
local nums = {-math.huge, math.mininteger, -1, -0.5, 0, 0.5, 1, math.maxinteger, math.huge}
local out = {}
for i = 1, #nums do
  for j = 1, #nums do
    local a, b = nums[i], nums[j]
    out[#out + 1] = (a < b and "<" or "") .. (a <= b and "L" or "") .. (a == b and "=" or "")
  end
  print(table.concat(out, "|"))
  out = {}
end
print("a" < "ab", "ab" < "b", "Z" < "a", "" <= "", "abc" >= "abd")
print("a\0b" < "a\0c", "a\0" > "a")
print(1 < 2, 2 > 1, 1 ~= 1.0, not (1 == 2))
print(pcall(function() return 1 < "2" end))
print(pcall(function() return {} < {} end))
print(pcall(function() return nil > 1 end))
print(true == true, true ~= false, nil == false)
local t = {}
print(t == t, {} == {})
