-- A custom series over the history (docs/lua-api.md, "History"): per
-- revision, how many JAX tests are expected to pass, as CSV.
--
--   covengine --tt-xla-git REPO --history examples/trend_series.lua
local cov = require "covengine"
assert(cov.history, "give --tt-xla-git REPO --history")
local rows = { "date,commit,jax_expected_passing" }
for rev in cov.history() do
  local n = 0
  for _, g in ipairs(rev.dataset:group({ "framework" })) do
    if g.framework == "jax" then n = g.status.EXPECTED_PASSING or 0 end
  end
  rows[#rows + 1] = ("%s,%s,%d"):format(rev.date:sub(1, 10), rev.short, n)
end
return table.concat(rows, "\n") .. "\n"
