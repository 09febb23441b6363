-- ends with calling an undefined global
local results = {}
for i = 1, 3 do results[i] = i * i end
print(table.concat(results, ","))
undefined_function_name(results)
