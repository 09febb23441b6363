local n, sum, s2 = 0, 0, 0
for round = 1, 25 do
  local t = {}
  local x = 12345 + round
  for i = 1, 60000 do
    x = (x * 1103515245 + 12345) % 2147483648
    t["k" .. (x % 20000)] = i
  end
  for k, v in pairs(t) do n = n + 1; sum = sum + v end
  local arr = {}
  for i = 1, 50000 do arr[i] = i * 2 end
  for i = 1, 50000, 3 do arr[i] = arr[i] + 1 end
  for i = 1, #arr do s2 = s2 + arr[i] end
end
print(n, sum, s2)
