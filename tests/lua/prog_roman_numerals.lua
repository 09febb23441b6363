-- number conversions: roman numerals, bases, words
local romans = {{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"}, {50, "L"}, {40, "XL"},
  {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}}
local function to_roman(n)
  local out = {}
  for _, p in ipairs(romans) do while n >= p[1] do out[#out + 1] = p[2]; n = n - p[1] end end
  return table.concat(out)
end
local values = {I = 1, V = 5, X = 10, L = 50, C = 100, D = 500, M = 1000}
local function from_roman(s)
  local total, prev = 0, 0
  for i = #s, 1, -1 do
    local v = values[s:sub(i, i)]
    if v < prev then total = total - v else total = total + v; prev = v end
  end
  return total
end
for _, n in ipairs({1, 4, 9, 14, 40, 90, 400, 1994, 2024, 3999}) do
  local r = to_roman(n)
  print(n, r, from_roman(r))
end
local ok = true
for n = 1, 3999 do if from_roman(to_roman(n)) ~= n then ok = false end end
print("roundtrip 1..3999", ok)
local function to_base(n, b)
  if n == 0 then return "0" end
  local digits = "0123456789abcdefghijklmnopqrstuvwxyz"
  local neg = n < 0
  if neg then n = -n end
  local out = {}
  while n > 0 do local d = n % b; table.insert(out, 1, digits:sub(d + 1, d + 1)); n = n // b end
  return (neg and "-" or "") .. table.concat(out)
end
for _, b in ipairs({2, 8, 16, 36}) do print(b, to_base(255, b), to_base(-1000, b), tonumber(to_base(123456, b), b)) end
local ones = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
  "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}
local tens = {"", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
local function words(n)
  if n == 0 then return "zero" end
  if n < 20 then return ones[n] end
  if n < 100 then return tens[n // 10] .. (n % 10 > 0 and "-" .. ones[n % 10] or "") end
  if n < 1000 then return ones[n // 100] .. " hundred" .. (n % 100 > 0 and " and " .. words(n % 100) or "") end
  return words(n // 1000) .. " thousand" .. (n % 1000 > 0 and " " .. words(n % 1000) or "")
end
for _, n in ipairs({0, 7, 13, 20, 42, 100, 115, 999, 1001, 21345}) do print(n, words(n)) end
