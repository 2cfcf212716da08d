--- The default analysis, driven by a rules table (rules/phases.lua passes
-- its aliases, task map, policy, tags and phases): facts, tags, phases, the
-- report, warnings for rules that never fire, then --explain or the chosen
-- format. Each step is its own module so other rule scripts can reuse them.
local check = require "covengine.check"
local cov = require "covengine"
local facts = require "covengine.facts"
local phase = require "covengine.phase"
local report = require "covengine.report"

local coverage = {}

local SPEC = {
  aliases = "table", tasks = "table", policy = "table", phases = "table", tags = "table?",
  dataset = "table?",
}
local POLICY_SPEC = { text = "string", tested = "function" }
local TASKS_SPEC = { paths = "table", kinds = "table" }

local function task_kinds(list)
  local types = {}
  for rank, k in ipairs(list) do types[k[1]] = { label = k[2], rank = rank } end
  return types
end

--- Everything but the rendering: returns report data, facts and a resolver.
-- With want_tests the report lists every test per family and framework.
function coverage.analyse(cfg, level, want_tests)
  level = (level or 1) + 1
  check.fields(cfg, SPEC, "coverage", level)
  check.fields(cfg.policy, POLICY_SPEC, "policy", level)
  check.fields(cfg.tasks, TASKS_SPEC, "tasks", level)
  local ds = cfg.dataset or cov.head
  local fx = facts.build(ds, { aliases = cfg.aliases, tasks = cfg.tasks.paths,
    tested = cfg.policy.tested })
  phase.tag(fx.list, cfg.tags)
  local members = phase.assign(fx.list, cfg.phases)
  local cache = {}
  local function canonical_of(raw, task, variant)
    local k = table.concat({ raw, task or "", variant or "" }, "\0")
    local c = cache[k]
    if not c then
      c = cfg.aliases:resolve(raw, task, variant, 0).canonical
      cache[k] = c
    end
    return c
  end
  local data = report.build(ds, fx, cfg.phases, members, {
    policy = cfg.policy.text, types = task_kinds(cfg.tasks.kinds), tests = want_tests,
    canonical_of = canonical_of,
  })
  return data, fx, canonical_of
end

--- Warns about alias rules that matched no test: each one, or (beyond a
-- few, unless -v) one line naming where they are, so a small dataset such
-- as the built-in snapshot does not bury the report in warnings.
function coverage.warn_unused(set)
  -- The built-in snapshot is a demo: rules written for real tt-xla trees
  -- are expected not to fire on it.
  local real = false
  for _, s in ipairs(cov.sources()) do
    if not s.path:find("^builtin:") then real = true end
  end
  if not real then return end
  local alias = require "covengine.alias"
  local unused = set:unused()
  if #unused <= 3 or cov.options.verbose then
    for _, r in ipairs(unused) do
      cov.warn(("alias rule never fires: %s"):format(alias.describe(r)), r.where)
    end
  elseif #unused > 0 then
    local lines = {}
    for _, r in ipairs(unused) do lines[#lines + 1] = r.where:match(":(%d+)$") end
    cov.warn(("%d alias rules never fire (lines %s); -v lists them"):format(#unused,
      table.concat(lines, ", ")), unused[1].where)
  end
end

--- The rule script's whole job: returns the report text (or the
-- explanation of cov.options.explain).
function coverage.run(cfg)
  local explain = cov.options.explain
  local fmt = not explain and report.format(cov.options.format or "markdown")
  local data, fx, canonical_of = coverage.analyse(cfg, 2, fmt and fmt.needs_tests)
  coverage.warn_unused(cfg.aliases)
  if explain then
    return require("covengine.explain").explain(explain, data, fx, canonical_of)
  end
  return fmt.render(data)
end

return coverage
