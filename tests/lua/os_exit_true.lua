-- os.exit(true) is a successful end, even from a pcall inside a loop.
for i = 1, 10 do
  print(i)
  if i == 3 then pcall(os.exit, true) end
end
print("not reached")
