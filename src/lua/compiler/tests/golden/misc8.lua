local obj = {}
function obj:method(a) return self, a end
obj:method(1):method(2)
obj.field:method()
obj["key with spaces"]:x()
local s = ("abc"):upper()
local n = #obj.list
obj.count = obj.count + 1
obj[obj.k] = obj[obj.k] or {}
return obj
