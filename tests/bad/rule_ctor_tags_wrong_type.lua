local R = require "covengine.rules"
local t = R.tags { high_impact = 3 }
return t and ""
