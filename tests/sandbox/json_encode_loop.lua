local cov = require "covengine"
local t = {}
for i = 1, 2e4 do t[i] = ("x"):rep(1000) end
while true do cov.json.encode(t) end
