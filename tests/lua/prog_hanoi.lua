-- towers of Hanoi: recursive and iterative
local moves = {}
local function hanoi(n, from, to, via)
  if n == 0 then return end
  hanoi(n - 1, from, via, to)
  moves[#moves + 1] = from .. to
  hanoi(n - 1, via, to, from)
end
hanoi(4, "A", "C", "B")
print(#moves, table.concat(moves, " "))
local pegs = {A = {}, B = {}, C = {}}
local n = 10
for i = n, 1, -1 do pegs.A[#pegs.A + 1] = i end
local count = 0
local function move(a, b)
  local disk = table.remove(pegs[a])
  local top = pegs[b][#pegs[b]]
  if top and top < disk then error("illegal move") end
  pegs[b][#pegs[b] + 1] = disk
  count = count + 1
end
local function solve(k, from, to, via)
  if k == 0 then return end
  solve(k - 1, from, via, to)
  move(from, to)
  solve(k - 1, via, to, from)
end
solve(n, "A", "C", "B")
print(count, #pegs.A, #pegs.B, #pegs.C, table.concat(pegs.C, ","))
local function iterative(k)
  local st = {{k, "A", "C", "B", false}}
  local c = 0
  while #st > 0 do
    local f = table.remove(st)
    local m, a, b, v, expanded = f[1], f[2], f[3], f[4], f[5]
    if m > 0 then
      if expanded then c = c + 1
      else
        st[#st + 1] = {m - 1, v, b, a, false}
        st[#st + 1] = {m, a, b, v, true}
        st[#st + 1] = {m - 1, a, v, b, false}
      end
    end
  end
  return c
end
print(iterative(16), 2 ^ 16 - 1)
