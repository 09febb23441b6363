-- syntax errors returned by load
local sources = {
  "x = ",
  "local 1 = 2",
  "if x then",
  "for i = 1 do end",
  "return return",
  "x = 'unclosed",
  "x = [[unclosed",
  "f(",
  "a.b:c = 1",
  "goto nowhere",
  "break",
  "local x <const> = 1; x = 2",
  "::a:: ::a::",
  "x = 1 + + 2",
  "--[[ unclosed comment",
  "return 0x",
  "return 1e",
  "return 3..4",
  "function f(a,) end",
  "local t = {1, 2",
  "x = }",
  "return ...",
  "function f() return ... end",
  "while true do end end",
  "repeat local x = 1",
  "return '\\400'",
  "x = 1 y = 2",
  "return not",
  "local function 1() end",
  "do local x = 1",
}
for i, src in ipairs(sources) do
  local f, err = load(src, "=src" .. i)
  print(i, f and "ok" or err)
end
