-- goto breaking out of nested loops and label scoping
local found
for i = 1, 5 do
  for j = 1, 5 do
    if i * j == 12 then
      found = i .. "x" .. j
      goto done
    end
  end
end
::done::
print("found", found)

-- same label name in different blocks
do
  goto a
  print("skipped")
  ::a::
  print("block 1")
end
do
  goto a
  print("skipped")
  ::a::
  print("block 2")
end

-- closures created in a goto loop capture fresh locals
local fns = {}
do
  local k = 1
  ::again::
  local v = k * 10
  fns[#fns + 1] = function() return v end
  k = k + 1
  if k <= 3 then goto again end
end
for _, f in ipairs(fns) do io.write(f(), " ") end
print()

-- goto to end of block with trailing void statements
for i = 1, 3 do
  if i == 2 then goto e end
  io.write("i", i, " ")
  ::e::
  ;
end
print()

-- triple nested with early exit at each level
local log = {}
for a = 1, 3 do
  for b = 1, 3 do
    for c = 1, 3 do
      if c == 2 then goto nextb end
      if b == 3 then goto nexta end
      log[#log + 1] = a .. b .. c
    end
    ::nextb::
  end
  ::nexta::
end
print(table.concat(log, " "))
