-- The covengine.report/1 JSON report (docs/design.md 5), written by cJSON
-- through cov.json with sorted keys, so the same inputs give the same bytes.
local cov = require "covengine"

return {
  -- Per-test variant lines are part of this format.
  needs_tests = true,
  render = function(report)
    return cov.json.encode(report, { indent = true }) .. "\n"
  end,
}
