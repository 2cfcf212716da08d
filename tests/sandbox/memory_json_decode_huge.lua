-- A 3 MB string decodes into a 100 MB tree in C before Lua sees a value.
local cov = require "covengine"
local t = cov.json.decode("[" .. ("0,"):rep(3 * 2 ^ 19) .. "0]")
print(#t)
