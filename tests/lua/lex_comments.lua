-- comments of every form
print("start") -- trailing comment
--[[ block
comment ]] print("after block comment")
--[==[ a level-2 comment
with ]] and ]=] inside
]==] print("after level-2 comment")
---[[ this is a line comment, so the next line runs
print("not commented")
--]]
--[[
print("this is commented out")
--]]
local x = 1 --[[ inline ]] + 2
print(x)
--[=[]=]print("empty long comment")
-- comment with \z and \q escapes that are not processed
print("end") --[[ unterminated-looking but closed ]]
