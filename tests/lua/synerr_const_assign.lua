-- syntax error: assignment to a const variable
local limit <const> = 10
print(limit)
limit = 20
