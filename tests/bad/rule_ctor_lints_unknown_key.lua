local R = require "covengine.rules"
local t = R.lints { duplicate_idd = true }
return t and ""
