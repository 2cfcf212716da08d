local R = require "covengine.rules"
local t = R.settings { formatt = "json" }
return t and ""
