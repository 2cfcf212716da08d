-- One 1 MB string thirty times: the encoder copies each into its tree.
local cov = require "covengine"
local s = ("x"):rep(2 ^ 20)
local t = {}
for i = 1, 30 do t[i] = s end
print(#cov.json.encode(t))
