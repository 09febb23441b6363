-- ends with a library error: bad argument
print(("abc"):rep(2))
print(string.rep("x", 3, 4))
print(("x"):rep("many"))
