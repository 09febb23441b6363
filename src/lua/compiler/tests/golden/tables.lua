local t = {1, 2, 3; x = 1, y = 2, [3] = 4, ["z"] = 5, [1.5] = 6}
local u = {}
u[1] = 1; u.x = 2; u["y"] = 3; u[a] = 4; u[-1] = 5; u[256] = 6; u[255] = 7
u.x.y.z = u[1][2][3]
local big = {1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53}
local n = {{}, {{}}, {a = {b = {}}}}
u.averyveryveryveryveryveryveryverylongfieldname = 1
local w = u.averyveryveryveryveryveryveryverylongfieldname
