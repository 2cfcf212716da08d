local R = require "covengine.rules"
local t = R.settings { strict = "yes" }
return t and ""
