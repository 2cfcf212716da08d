local R = require "covengine.rules"
local t = R.policy { text = 3, tested = print }
return t and ""
