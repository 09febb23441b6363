local x = ...
if x == 1 then print("one")
elseif x == 2 then print("two")
elseif x == "three" then print(3)
elseif x then print("truthy")
else print("other") end
if x then end
if x == nil then return end
if x ~= nil and x > 0 then return 1 elseif not x then return 2 end
