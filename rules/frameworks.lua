-- The frameworks of the tt-xla configs (test_config/<id>/): the label the
-- reports print for each, and the group it counts in where a report
-- buckets families by framework ("tested in JAX only", "in PyTorch only",
-- "in both": the report's without_easydel.<group>_only and .both). Policy,
-- so edit freely: a framework not listed here is labelled by its id and
-- forms a group of its own.
local R = require "covengine.rules"

local frameworks = R.frameworks {
  { id = "jax", label = "JAX", group = "jax" },
  { id = "torch", label = "PyTorch", group = "pytorch" },
  { id = "torch_llm", label = "PyTorch LLM", group = "pytorch" },
}
return frameworks
