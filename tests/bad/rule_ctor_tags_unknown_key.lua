local R = require "covengine.rules"
local t = R.tags { [1] = { "gemma" } }
return t and ""
