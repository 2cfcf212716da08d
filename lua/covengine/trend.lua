--- Coverage over time (issue 16): the series of the rules (rules/trend.lua)
-- computed for each revision of the history (cov.history()), each from the
-- default analysis of that revision's dataset, so a point is what a plain
-- run on a checkout of the revision reports. Without a history the trend
-- has one point, the head's.
local check = require "covengine.check"
local cov = require "covengine"
local gate = require "covengine.gate"

local trend = {}

trend.SCHEMA = "covengine.trend/1"

local SERIES_SPEC = { name = "string", text = "string", value = "function" }

--- Validates the rules' series list (names unique, snake_case). Raises at
-- `level` (check.raise's: a level above the caller or a recorded
-- "file:line").
function trend.check(t, level)
  level = check.up(level)
  if type(t) ~= "table" or type(t.series) ~= "table" then
    check.raise("trend: 'series' must be a list of { name, text, value }", level)
  end
  local seen = {}
  for i, s in ipairs(t.series) do
    check.fields(s, SERIES_SPEC, ("trend series %d"):format(i), level)
    if not s.name:match("^[%a_][%w_]*$") then
      check.raise(("trend series %d: name '%s' must be a Lua identifier"):format(i, s.name),
        level)
    end
    if seen[s.name] then
      check.raise(("trend series %d: name '%s' is also series %d"):format(i, s.name,
        seen[s.name]), level)
    end
    seen[s.name] = i
  end
  return t
end

-- Tests by summary status, from one C pass.
local function by_status(ds)
  local out = {}
  for _, g in ipairs(ds:group { "framework" }) do
    for s, n in pairs(g.status) do out[s] = (out[s] or 0) + n end
  end
  return out
end

--- The values of every series for one analysed dataset.
function trend.values(cfg, r, ds)
  local ctx = { dataset = ds, by_status = by_status(ds) }
  if cfg.figure and ds:easydel() then
    local pc, covered, total = gate.value(cfg.figure, r.summary)
    ctx.figure = { value = pc, covered = covered, total = total }
  end
  local values = {}
  for _, s in ipairs(cfg.trend.series) do
    local v = s.value(r, ctx)
    if v ~= nil and not math.type(v) then
      error(("trend series '%s' returned %s, not a number or nil"):format(s.name, type(v)), 0)
    end
    values[s.name] = v
  end
  return values
end

--- The trend: { series = {{name, text}...}, points = {{commit, short, date,
-- commit_date, author, subject, values}...}, history = bool }. `head` is the
-- head's analysis, for the one point of a run without history.
function trend.collect(cfg, head)
  local coverage = require "covengine.coverage"
  local out = { series = {}, points = {}, history = cov.history ~= nil }
  for _, s in ipairs(cfg.trend.series) do
    out.series[#out.series + 1] = { name = s.name, text = s.text }
  end
  if not cov.history then
    out.points[1] = { values = trend.values(cfg, head, cov.head) }
    return out
  end
  local c = {}
  for k, v in pairs(cfg) do c[k] = v end
  for rev in cov.history() do
    c.dataset = rev.dataset
    local r = coverage.analyse(c, 1, false)
    out.points[#out.points + 1] = { commit = rev.commit, short = rev.short, date = rev.date,
      commit_date = rev.commit_date, author = rev.author, subject = rev.subject,
      values = trend.values(cfg, r, rev.dataset) }
  end
  -- Analysing bound the alias set to each revision's inventory: back to the head's.
  cfg.aliases:bind(cov.head:modules())
  return out
end

--- A value as the text formats show it: integers as they are, the
-- percentage with the gate's precision, nothing for none.
function trend.display(v)
  if v == nil then return "" end
  if math.type(v) == "integer" then return tostring(v) end
  return gate.display(v)
end

return trend
