-- expression parser and evaluator with variables and functions
local Parser = {}
Parser.__index = Parser
local function lex(src)
  local toks = {}
  local i = 1
  while i <= #src do
    local c = src:sub(i, i)
    if c:find("%s") then i = i + 1
    elseif c:find("[%d%.]") then
      local n = src:match("^%d*%.?%d+", i)
      toks[#toks + 1] = {k = "num", v = tonumber(n)}; i = i + #n
    elseif c:find("[%a_]") then
      local n = src:match("^[%w_]+", i)
      toks[#toks + 1] = {k = "id", v = n}; i = i + #n
    else
      toks[#toks + 1] = {k = "op", v = c}; i = i + 1
    end
  end
  toks[#toks + 1] = {k = "eof"}
  return toks
end
function Parser.new(src) return setmetatable({toks = lex(src), p = 1}, Parser) end
function Parser:peek() return self.toks[self.p] end
function Parser:next() local t = self.toks[self.p]; self.p = self.p + 1; return t end
function Parser:expect(v)
  local t = self:next()
  if t.v ~= v then error("expected '" .. v .. "' but got '" .. tostring(t.v or t.k) .. "'", 0) end
end
local prec = {["+"] = 1, ["-"] = 1, ["*"] = 2, ["/"] = 2, ["%"] = 2, ["^"] = 4}
function Parser:primary()
  local t = self:next()
  if t.k == "num" then return {tag = "num", v = t.v}
  elseif t.k == "id" then
    if self:peek().v == "(" then
      self:next()
      local args = {}
      if self:peek().v ~= ")" then
        repeat args[#args + 1] = self:expr(0) until self:peek().v ~= "," or not self:next()
      end
      self:expect(")")
      return {tag = "call", name = t.v, args = args}
    end
    return {tag = "var", name = t.v}
  elseif t.v == "(" then
    local e = self:expr(0); self:expect(")"); return e
  elseif t.v == "-" then return {tag = "neg", e = self:expr(3)}
  end
  error("unexpected token '" .. tostring(t.v or t.k) .. "'", 0)
end
function Parser:expr(minp)
  local lhs = self:primary()
  while true do
    local op = self:peek().v
    local p = prec[op]
    if not p or p <= minp and op ~= "^" or (op == "^" and p < minp) then break end
    self:next()
    local rhs = self:expr(op == "^" and p - 1 or p)
    lhs = {tag = "bin", op = op, l = lhs, r = rhs}
  end
  return lhs
end
local funcs = {max = math.max, min = math.min, sqrt = math.sqrt, abs = math.abs}
local function eval(n, env)
  if n.tag == "num" then return n.v
  elseif n.tag == "var" then return env[n.name] or error("unknown variable " .. n.name, 0)
  elseif n.tag == "neg" then return -eval(n.e, env)
  elseif n.tag == "call" then
    local args = {}
    for i, a in ipairs(n.args) do args[i] = eval(a, env) end
    return funcs[n.name](table.unpack(args))
  end
  local a, b = eval(n.l, env), eval(n.r, env)
  if n.op == "+" then return a + b elseif n.op == "-" then return a - b
  elseif n.op == "*" then return a * b elseif n.op == "/" then return a / b
  elseif n.op == "%" then return a % b else return a ^ b end
end
local env = {x = 3, y = 4, big = 1000}
for _, src in ipairs({"1 + 2 * 3", "(1 + 2) * 3", "2 ^ 3 ^ 2", "-x + y", "sqrt(x*x + y*y)", "max(1, x, y, 2) * min(5, big)",
    "10 % 4 + 7 / 2", "x - -y", "2 * (3 + 4) * (5 - 1)", "abs(-7) + 0.5"}) do
  local ok, v = pcall(function() return eval(Parser.new(src):expr(0), env) end)
  print(string.format("%-30s = %s", src, tostring(v)))
end
for _, bad in ipairs({"1 +", "(1 + 2", "foo + 1", "3 * )"}) do
  print(bad, pcall(function() return eval(Parser.new(bad):expr(0), env) end))
end
