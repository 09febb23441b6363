-- ends with an uncaught runtime error: indexing a nil local
print("before error 1")
print("before error 2")
local t = nil
print(t.x)
print("never printed")
