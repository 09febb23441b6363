-- matrix operations
local Matrix = {}
Matrix.__index = Matrix
function Matrix.new(rows, cols, f)
  local m = setmetatable({rows = rows, cols = cols}, Matrix)
  for i = 1, rows do
    m[i] = {}
    for j = 1, cols do m[i][j] = f and f(i, j) or 0 end
  end
  return m
end
function Matrix.identity(n) return Matrix.new(n, n, function(i, j) return i == j and 1 or 0 end) end
Matrix.__mul = function(a, b)
  if type(b) == "number" then return Matrix.new(a.rows, a.cols, function(i, j) return a[i][j] * b end) end
  assert(a.cols == b.rows, "dimension mismatch")
  return Matrix.new(a.rows, b.cols, function(i, j)
    local s = 0
    for k = 1, a.cols do s = s + a[i][k] * b[k][j] end
    return s
  end)
end
Matrix.__add = function(a, b) return Matrix.new(a.rows, a.cols, function(i, j) return a[i][j] + b[i][j] end) end
Matrix.__eq = function(a, b)
  if a.rows ~= b.rows or a.cols ~= b.cols then return false end
  for i = 1, a.rows do for j = 1, a.cols do if a[i][j] ~= b[i][j] then return false end end end
  return true
end
Matrix.__tostring = function(m)
  local lines = {}
  for i = 1, m.rows do
    local row = {}
    for j = 1, m.cols do row[j] = string.format("%6s", tostring(m[i][j])) end
    lines[i] = table.concat(row)
  end
  return table.concat(lines, "\n")
end
function Matrix:transpose() return Matrix.new(self.cols, self.rows, function(i, j) return self[j][i] end) end
function Matrix:det()
  assert(self.rows == self.cols)
  local n = self.rows
  local a = Matrix.new(n, n, function(i, j) return self[i][j] + 0.0 end)
  local det = 1.0
  for c = 1, n do
    local p = c
    for r = c + 1, n do if math.abs(a[r][c]) > math.abs(a[p][c]) then p = r end end
    if a[p][c] == 0 then return 0.0 end
    if p ~= c then a[p], a[c] = a[c], a[p]; det = -det end
    det = det * a[c][c]
    for r = c + 1, n do
      local f = a[r][c] / a[c][c]
      for k = c, n do a[r][k] = a[r][k] - f * a[c][k] end
    end
  end
  return det
end
local A = Matrix.new(2, 3, function(i, j) return i + j end)
local B = Matrix.new(3, 2, function(i, j) return i * j end)
print(A * B)
print(B * A)
print(A:transpose())
print(Matrix.identity(3) * Matrix.identity(3) == Matrix.identity(3))
print((A * 2 + A) == A * 3)
local M = Matrix.new(3, 3, function(i, j) return ({{2, -3, 1}, {2, 0, -1}, {1, 4, 5}})[i][j] end)
print(string.format("%.6f", M:det()))
print(pcall(function() return A * A end))
local N = 60
local big = Matrix.new(N, N, function(i, j) return (i * j) % 7 end)
local sq = big * big
local tr = 0
for i = 1, N do tr = tr + sq[i][i] end
print("trace", tr)
