-- every short-string escape sequence, shown as byte lists
local function bytes(s)
  local t = {}
  for i = 1, #s do t[#t + 1] = string.byte(s, i) end
  return #s .. ":" .. table.concat(t, ",")
end

print(bytes("\a\b\f\n\r\t\v"))
print(bytes("\\\"\'"))
print(bytes('\'"\\'))
print(bytes("a\z
             b"))
print(bytes("x\z      y"))
print(bytes("\x41\x62\x7a\xff\x00"))
print(bytes("\65\066\0677\0\255"))
print(bytes("\u{41}\u{e9}\u{20AC}\u{1F600}"))
print(bytes("\u{7FFFFFFF}"))
print(bytes("line1\
line2"))
print("tab[\t]end")
print("quote: \"hi\" and 'there'")
print('single: \'x\' "y"')
print("nul inside: " .. #"a\0b\0c")
print("\x48\x65\x6c\x6c\x6f")
print("\72\101\108\108\111")
print("\u{48}\u{49}")
local s = "\z
   continued \z
   string"
print(s)
print(#"\z  ")
print("\0" == "\x00", "\0" == "\u{0}")
print(("\n"):byte(), ("\r"):byte(), ("\v"):byte())
