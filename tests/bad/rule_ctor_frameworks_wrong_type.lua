local R = require "covengine.rules"
local t = R.frameworks { { id = "jax", label = "JAX", group = 1 } }
return t and ""
