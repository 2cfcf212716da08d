local R = require "covengine.rules"
local t = R.frameworks { { id = "jax", label = "JAX", group = "jax" }, { id = "jax", label = "J", group = "jax" } }
return t and ""
