-- gsub with table and function replacements
local vars = {name = "Lua", version = "5.4"}
print(string.gsub("$name version $version, $unknown", "%$(%w+)", vars))
print(string.gsub("hello world", "%w+", function(w) return w:upper() end))
print(string.gsub("1 2 3", "%d", function(d) return d * 2 end))
print(string.gsub("a b c", "%a", function(c) if c == "b" then return nil end return c .. c end))
print(string.gsub("a b c", "%a", function() return false end))
print(string.gsub("x=1, y=2", "(%w)=(%w)", function(k, v) return v .. "=" .. k end))
print(string.gsub("abc", "()", function(p) return p end))
print(string.gsub("hello", ".", {h = 1, e = 2.5}))
print(pcall(string.gsub, "abc", ".", function() return {} end))
print(pcall(string.gsub, "abc", ".", {a = {}}))
local count = 0
local r = ("a,b,c"):gsub(",", function() count = count + 1 end)
print(r, count)
print(("%d items"):gsub("%%d", "5"))
local function expand(s) return (s:gsub("{(%w+)}", {x = "X", y = "Y"})) end
print(expand("{x}-{y}-{z}"))
print(pcall(string.gsub, "x", ".", 1))
