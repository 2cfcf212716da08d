-- Loads keep growing the dataset: the engine's memory for them counts
-- against --max-memory with Lua's heap.
local cov = require "covengine"
local lines = { "test_config:" }
for i = 1, 20000 do lines[#lines + 1] = ("  t/jax/test_x%d:\n    status: EXPECTED_PASSING"):format(i) end
local y = table.concat(lines, "\n") .. "\n"
for i = 1, 1e6 do
    cov.dataset("base"):load_config_string("x" .. i .. ".yaml", (y:gsub("test_x", "test_" .. i .. "_")))
end
