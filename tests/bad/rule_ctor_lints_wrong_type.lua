local R = require "covengine.rules"
local t = R.lints { unknown_arch = { known = 3 } }
return t and ""
