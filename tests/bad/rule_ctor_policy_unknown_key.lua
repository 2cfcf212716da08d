local R = require "covengine.rules"
local t = R.policy { text = "x", tested = print, test = print }
return t and ""
