-- ends with an error whose value is a table
print("about to raise a table")
io.write("partial line written with io.write\n")
error({})
