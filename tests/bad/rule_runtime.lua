local cov = require "covengine"
local counts = nil
return tostring(#counts)
