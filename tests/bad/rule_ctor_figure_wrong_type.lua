local R = require "covengine.rules"
local t = R.figure { name = "c", text = "t", ratio = 1 }
return t and ""
