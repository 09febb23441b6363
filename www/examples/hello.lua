-- Hello, world: the smallest program. Its heap is already a paged,
-- persistent address space in IndexedDB; press Run (Ctrl-Enter).
print("Hello, world!")
print("This is " .. _VERSION .. " running on a virtual persistent heap.")
for i = 1, 5 do
  print(i, i * i, string.rep("*", i))
end
