-- arbitrary-precision decimal arithmetic on strings
local function add(a, b)
  local res, carry = {}, 0
  local i, j = #a, #b
  while i > 0 or j > 0 or carry > 0 do
    local da = i > 0 and a:byte(i) - 48 or 0
    local db = j > 0 and b:byte(j) - 48 or 0
    local s = da + db + carry
    res[#res + 1] = s % 10
    carry = s // 10
    i, j = i - 1, j - 1
  end
  local out = {}
  for k = #res, 1, -1 do out[#out + 1] = res[k] end
  local s = table.concat(out):gsub("^0+", "")
  return s == "" and "0" or s
end
local function mul_small(a, m)
  if m == 0 then return "0" end
  local res, carry = {}, 0
  for i = #a, 1, -1 do
    local p = (a:byte(i) - 48) * m + carry
    res[#res + 1] = p % 10
    carry = p // 10
  end
  while carry > 0 do res[#res + 1] = carry % 10; carry = carry // 10 end
  local out = {}
  for k = #res, 1, -1 do out[#out + 1] = res[k] end
  return table.concat(out)
end
local function mul(a, b)
  local result = "0"
  for i = 1, #b do
    result = add(mul_small(result, 10), mul_small(a, b:byte(i) - 48))
  end
  return result
end
local function cmp(a, b)
  if #a ~= #b then return #a < #b and -1 or 1 end
  if a == b then return 0 end
  return a < b and -1 or 1
end
print(add("999999999999999999999", "1"))
print(add("123456789123456789", "987654321987654321"))
print(add("0", "0"), add("5", "5"))
local f = "1"
for i = 2, 50 do f = mul_small(f, i) end
print("50! =", f)
local a, b = "0", "1"
for i = 1, 200 do a, b = b, add(a, b) end
print("fib(200) =", a)
print(mul("12345678901234567890", "98765432109876543210"))
local p = "1"
for i = 1, 128 do p = mul_small(p, 2) end
print("2^128 =", p)
print(cmp("100", "99"), cmp("99", "100"), cmp("123", "123"), cmp("124", "123"))
print(tostring(math.maxinteger) == add("9223372036854775806", "1"))
local digits = 0
for d in f:gmatch("%d") do digits = digits + tonumber(d) end
print("digit sum of 50!", digits)
