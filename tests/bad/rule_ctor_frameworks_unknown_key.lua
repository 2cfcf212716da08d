local R = require "covengine.rules"
local t = R.frameworks { { id = "jax", label = "JAX", group = "jax", colour = "red" } }
return t and ""
