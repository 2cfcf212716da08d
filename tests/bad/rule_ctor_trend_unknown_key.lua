local R = require "covengine.rules"
local t = R.trend { series = { { name = "a", text = "b", value = print, unit = "%" } } }
return t and ""
