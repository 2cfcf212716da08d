local R = require "covengine.rules"
local t = R.diff { ranking = {}, testkey = print }
return t and ""
