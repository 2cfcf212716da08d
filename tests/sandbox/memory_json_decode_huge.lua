-- A 0.8 MB string decodes into a 25 MB tree in C before Lua sees a value.
local cov = require "covengine"
local t = cov.json.decode("[" .. ("0,"):rep(3 * 2 ^ 17) .. "0]")
print(#t)
