local s = "a\tb\nc\\d\"e'f\0g\1\127\200\255"
local l = [[
long
string]]
local m = [==[ with ]] inside ]==]
local u = "\u{48}\u{7FF}\u{FFFF}\u{10FFFF}\u{7FFFFFFF}"
local z = "a\z
           b"
local x = '\x41\x42\65\066'
