-- The trend (--history) as covengine.trend/1 JSON
-- (docs/schemas/covengine.trend-1.schema.json): the series and one point
-- per revision, oldest first; a value a revision has none of is null.
local cov = require "covengine"
local trend = require "covengine.trend"

local null, array = cov.json.null, cov.json.array

local function or_null(v)
  if v == nil then return null end
  return v
end

return {
  needs_trend = true,
  render = function(_, ctx)
    local t = ctx.trend
    local series, points = array {}, array {}
    for _, s in ipairs(t.series) do series[#series + 1] = { name = s.name, text = s.text } end
    for _, p in ipairs(t.points) do
      local values = {}
      for _, s in ipairs(t.series) do values[s.name] = or_null(p.values[s.name]) end
      points[#points + 1] = { commit = or_null(p.commit), date = or_null(p.date),
        commit_date = or_null(p.commit_date), author = or_null(p.author),
        subject = or_null(p.subject), values = values }
    end
    return cov.json.encode({ schema = trend.SCHEMA, version = cov.version,
      history = t.history, series = series, points = points }, { indent = true }) .. "\n"
  end,
}
