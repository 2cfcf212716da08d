local R = require "covengine.rules"
local t = R.phases { start = "0", R.phase { name = "a", summary = "b", when = print } }
return t and ""
