local R = require "covengine.rules"
local t = R.tasks { paths = { causal_lm = 3 }, kinds = {} }
return t and ""
