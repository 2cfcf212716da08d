local R = require "covengine.rules"
local t = R.phases { R.phase { name = "a", summary = "b", when = print, whn = 1 } }
return t and ""
