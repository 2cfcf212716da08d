local cov = require "covengine"
local x = = 1
