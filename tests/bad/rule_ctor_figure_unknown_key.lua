local R = require "covengine.rules"
local t = R.figure { name = "c", text = "t", ratio = print, needs = true }
return t and ""
