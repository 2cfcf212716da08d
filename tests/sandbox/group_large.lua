-- ds:group over a dataset of 50,000 families built in the run, again and
-- again: each call builds 50,000 group tables in C with the collector
-- stopped, work the instruction hook never sees.
local cov = require "covengine"
local parts = { "test_config:\n" }
for i = 1, 50000 do
  parts[#parts + 1] = ("  family_%d/causal_lm/jax-v%d-single_device-inference:\n"
    .. "    status: EXPECTED_PASSING\n"):format(i, i)
end
local ds = cov.dataset("base")
ds:load_config_string("big.yaml", table.concat(parts))
local n = 0
while true do
  n = n + #ds:group({ "family", "variant", "task_path" }, { collect = { "run_mode" } })
end
