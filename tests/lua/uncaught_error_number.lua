-- ends with error(42)
print("raising a number")
error(42)
