-- The semantic diff between a base and the head as covengine.diff/1 JSON
-- (docs/schemas/covengine.diff-1.schema.json), sorted keys, reproducible.
local cov = require "covengine"

return {
  needs_diff = true,
  render = function(_, ctx)
    return cov.json.encode(ctx.diff, { indent = true }) .. "\n"
  end,
}
