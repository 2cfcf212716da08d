local R = require "covengine.rules"
local t = R.tasks { paths = {}, kinds = {}, pathz = {} }
return t and ""
