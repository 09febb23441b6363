-- require finds the standard libraries in package.loaded and runs loaders
-- from package.preload once, caching what they return (true for nothing).
print(require("string") == string, require("_G") == _G, package.loaded.math == math, package.loaded.package == package)
package.preload.mymod = function(name, extra) print("loading", name, extra) return {answer = 42} end
local m, how = require("mymod")
print(m.answer, how, require("mymod") == m, select("#", require("mymod")))
package.preload.noval = function() end
print(require("noval"), package.loaded.noval)
package.loaded.fake = "F"
print(require("fake"))
print(type(package.path), type(package.cpath), package.config:sub(1, 1))
local ok, err = pcall(require, "nonexistent_module_xyz")
print(ok, err:match("^[^\n]*"), err:match("\n\t([^\n]*)"))
package.preload.failing = function() error("loader failed") end
print(pcall(require, "failing"))
print(pcall(require))
