local R = require "covengine.rules"
local t = R.diff { ranking = "EXPECTED_PASSING" }
return t and ""
