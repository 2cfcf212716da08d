local R = require "covengine.rules"
local t = R.trend { series = 3 }
return t and ""
