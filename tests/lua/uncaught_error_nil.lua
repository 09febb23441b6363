-- error(nil) reaches the top level
print("raising nil")
error(nil)
