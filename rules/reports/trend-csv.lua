-- The trend (--history) as CSV (RFC 4180): one row per revision, oldest
-- first: date, commit, subject, then a column per series (empty: none).
-- Text cells are spreadsheet-safe (covengine.csv).
local trend = require "covengine.trend"
local row = require("covengine.csv").row

return {
  needs_trend = true,
  render = function(_, ctx)
    local t = ctx.trend
    local head = { "date", "commit", "subject" }
    for _, s in ipairs(t.series) do head[#head + 1] = s.name end
    local out = { row(head) }
    for _, p in ipairs(t.points) do
      local values = { p.date or "", p.commit or "", p.subject or "" }
      for _, s in ipairs(t.series) do values[#values + 1] = trend.display(p.values[s.name]) end
      out[#out + 1] = row(values)
    end
    return table.concat(out)
  end,
}
