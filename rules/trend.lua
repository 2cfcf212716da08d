-- The series of the trend reports (--format trend, trend-json, trend-csv)
-- and of the HTML report's trend chart: what is computed for each revision
-- of --history. Policy, so edit freely: add a series and every trend format
-- shows it.
--
-- A series is { name = "snake_case", text = "what it counts", value =
-- function(r, ctx) }: `r` is the revision's report data (the shape of
-- covengine.report/1: r.summary, r.families, r.families_tested, ...),
-- `ctx.dataset` its dataset, `ctx.figure` the gate figure ({ value,
-- covered, total }, nil without an EasyDeL inventory), `ctx.by_status` its
-- tests by effective (summary) status. `value` returns a number, or nil
-- where the revision has none (null in JSON, empty in CSV).
local series = {
  { name = "coverage", text = "percent of EasyDeL modules tested in a framework (the gate figure)",
    value = function(_, ctx) return ctx.figure and ctx.figure.value end },
  { name = "tests", text = "test entries", value = function(r) return r.summary.tests end },
  { name = "families", text = "canonical families the configs list",
    value = function(r) return r.summary.families end },
}
for _, framework in ipairs(require "frameworks") do
  local fw = framework.id
  series[#series + 1] = { name = "families_tested_" .. fw,
    text = "families tested in the " .. fw .. " configs",
    value = function(r) return #(r.families_tested[fw] or {}) end }
end
series[#series + 1] = { name = "jax_on_easydel",
  text = "families whose JAX tests run EasyDeL's implementation (tt-forge-models source=EASYDEL)",
  value = function(r) return r.summary.on_easydel end }
for _, s in ipairs { "EXPECTED_PASSING", "KNOWN_FAILURE_XFAIL", "UNSPECIFIED",
  "NOT_SUPPORTED_SKIP", "EXCLUDE_MODEL" } do
  series[#series + 1] = { name = "status_" .. s:lower(),
    text = "tests whose effective status is " .. s,
    value = function(_, ctx) return ctx.by_status[s] or 0 end }
end

local R = require "covengine.rules"

local trend = R.trend { series = series }
return trend
