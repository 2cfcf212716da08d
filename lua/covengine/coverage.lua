--- The default analysis, driven by a rules table (rules/phases.lua passes
-- its aliases, task map, policy, tags, phases, gate figure, diff ranking and
-- lint settings): facts, tags, phases, the report, the config hygiene lints,
-- then --explain or the chosen format, then the gates. With a base to
-- compare against (a base dataset or --baseline) and a diff format or
-- --fail-on-regression, the semantic diff too. Each step is its own module
-- so other rule scripts can reuse them.
local check = require "covengine.check"
local cov = require "covengine"
local diff_rules = require "covengine.diff_rules"
local facts = require "covengine.facts"
local gate = require "covengine.gate"
local phase = require "covengine.phase"
local report = require "covengine.report"
local rules = require "covengine.rules"

local coverage = {}

local SPEC = {
  aliases = "table", tasks = "table", policy = "table", phases = "table", tags = "table?",
  figure = "table?", diff = "table?", lints = "table?", groups = "table?",
  started = "function?", trend = "table?", frameworks = "table?",
}

-- Where a rule table's mistakes are blamed: the constructor call that made
-- it (covengine.rules), else `level` (as check.raise's).
local function at(t, level) return rules.where(t) or level end

local function task_kinds(list)
  local types = {}
  for rank, k in ipairs(list) do types[k[1]] = { label = k[2], rank = rank } end
  return types
end

--- Everything but the rendering: returns report data, facts and a resolver.
-- With want_tests the report lists every test per family and framework.
-- cfg.dataset (default cov.head) may be a dataset or a table that acts as
-- one.
function coverage.analyse(cfg, level, want_tests)
  level = (level or 1) + 1
  local ds = type(cfg) == "table" and cfg.dataset
  if ds then
    if type(ds) ~= "userdata" and type(ds) ~= "table" then
      error("coverage: 'dataset' must be a dataset (cov.head, cov.base)", level)
    end
    local rest = {}
    for k, v in pairs(cfg) do rest[k] = v end
    rest.dataset = nil
    check.fields(rest, SPEC, "coverage", level)
  else
    check.fields(cfg, SPEC, "coverage", level)
  end
  rules.validate("policy", cfg.policy, at(cfg.policy, level))
  rules.validate("tasks", cfg.tasks, at(cfg.tasks, level))
  if cfg.tags then rules.validate("tags", cfg.tags, at(cfg.tags, level)) end
  ds = ds or cov.head
  if cfg.groups then
    for i, g in ipairs(cfg.groups) do
      if type(g) ~= "string" then
        error(("coverage: 'groups' item %d must be a ModelGroup name"):format(i), level)
      end
    end
  end
  local frameworks = coverage.frameworks(cfg)
  local fx = facts.build(ds, { aliases = cfg.aliases, tasks = cfg.tasks.paths,
    tested = cfg.policy.tested, groups = cfg.groups, variant_tasks = cfg.tasks.variant_tasks,
    frameworks = frameworks })
  -- Predicates see strict views: a field that does not exist is an error.
  local view = facts.viewer(fx.list, cfg.tags, fx.frameworks, frameworks)
  local unknown_tags = phase.tag(fx.list, cfg.tags, view)
  if rawequal(ds, cov.head) then coverage.warn_unknown_tags(unknown_tags, fx, cfg, ds) end
  local members = phase.assign(fx.list, cfg.phases, cfg.groups, view)
  -- Its views (two tables per family) are garbage before the report is built.
  view = nil -- luacheck: ignore 311
  local cache = {}
  local function canonical_of(raw, task, variant, checkpoint)
    local k = table.concat({ raw, task or "", variant or "", checkpoint or "" }, "\0")
    local c = cache[k]
    if not c then
      c = cfg.aliases:resolve(raw, task, variant, 0, checkpoint).canonical
      cache[k] = c
    end
    return c
  end
  local data = report.build(ds, fx, cfg.phases, members, {
    policy = cfg.policy.text, types = task_kinds(cfg.tasks.kinds), tests = want_tests,
    canonical_of = canonical_of, started = cfg.started, frameworks = frameworks,
  })
  return data, fx, canonical_of
end

--- The frameworks of the rules (rules/frameworks.lua: id, label, group):
-- cfg.frameworks, else the frameworks.lua on the rules path.
function coverage.frameworks(cfg)
  if cfg.frameworks then return rules.validate("frameworks", cfg.frameworks, at(cfg.frameworks, 2)) end
  return require "frameworks"
end

--- Warns about tag lists naming a family that neither a tested family nor
-- an EasyDeL module bears ("gemmma"): one line per tag, at the line of
-- the tags{} call that made the list (else the rules script), with the
-- closest name of each. Only with an
-- EasyDeL inventory, which names the families that could exist.
function coverage.warn_unknown_tags(unknown, fx, cfg, ds)
  if #unknown == 0 or not ds:easydel() then return end
  local names = {}
  for _, f in ipairs(fx.list) do names[#names + 1] = f.name end
  local by_tag, order = {}, {}
  for _, u in ipairs(unknown) do
    if not by_tag[u.tag] then
      by_tag[u.tag] = {}
      order[#order + 1] = u.tag
    end
    local best, bd
    for _, n in ipairs(names) do
      local d = cov.distance(u.family, n, 3)
      if d <= 3 and (not bd or d < bd) then best, bd = n, d end
    end
    table.insert(by_tag[u.tag], ("'%s'%s"):format(u.family,
      best and (" (did you mean '" .. best .. "'?)") or ""))
  end
  for _, tag in ipairs(order) do
    local list = by_tag[tag]
    cov.warn(("tag '%s' names %s, which %s no family and no EasyDeL module"):format(tag,
      table.concat(list, ", "), #list == 1 and "is" or "are"),
      rules.where(cfg.tags) or cov.rules_file)
  end
end

--- Warns about alias rules that matched no test: each one, or (beyond a
-- few, unless -v) one line naming where they are. The unused_alias lint of
-- covengine.lint, kept as a function for scripts that call it.
function coverage.warn_unused(set)
  local lint = require "covengine.lint"
  lint.emit(lint.run(cov.head, { unused_alias = {} }, { aliases = set }),
    { verbose = cov.options.verbose })
end

--- The settings of the config hygiene lints from cfg.lints (validated;
-- an error blames its line in the lints file), or without cfg.lints only
-- the unused alias rules, which were always warned about.
function coverage.lint_config(cfg)
  if not cfg.lints then return { unused_alias = {} } end
  return require("covengine.lint").config(cfg.lints, at(cfg.lints, 3))
end

local function lint_verdict(n)
  return ("%d hygiene lint error%s (--strict)"):format(n, n == 1 and "" or "s")
end

--- The config hygiene lints over the head (conf: coverage.lint_config):
-- warnings, or with --strict errors that stop the run (exit 2, nothing
-- written) after printing each. With `defer` (a format that reports the
-- findings themselves) the run goes on and the caller fails it afterwards.
-- Returns the findings and the number of errors.
function coverage.lint(cfg, conf, defer)
  local lint = require "covengine.lint"
  conf = conf or coverage.lint_config(cfg)
  local findings = lint.run(cov.head, conf, { aliases = cfg.aliases,
    normalize = cfg.aliases.normalize })
  local strict = cov.options.strict ~= nil
  local n = lint.emit(findings, { strict = strict, verbose = cov.options.verbose })
  if strict and n > 0 and not defer then cov.abort(lint_verdict(n)) end
  return findings, strict and n or 0
end

-- The base dataset, for analysis. Without an EasyDeL inventory of its own
-- (no --base-easydel) it borrows the head's, so "modules newly tested"
-- reflects changed tests, not a changed inventory. Returns the dataset (or
-- a stand-in) and where its EasyDeL came from.
local function base_dataset()
  local base, head = cov.base, cov.head
  if base:easydel() or not head:easydel() then return base, base:easydel() and "base" or "none" end
  local proxy = setmetatable({}, { __index = function(_, k)
    local from = (k == "modules" or k == "easydel") and head or base
    if k == "sources" then
      return function()
        local list = base:sources()
        for _, s in ipairs(head:sources()) do
          if s.kind:find("^easydel") then list[#list + 1] = s end
        end
        return list
      end
    end
    local m = from[k]
    return function(_, ...) return m(from, ...) end
  end })
  return proxy, "head"
end

-- The base side of the diff as a report table with per-test lines: the
-- base dataset analysed with these rules, or the --baseline report.
local function base_report(cfg)
  local path = cov.options.baseline
  if path then
    local r = cov.baseline()
    local ok, why = require("covengine.diff").check_report(r, cfg.diff.ranking)
    if not ok then cov.abort(("--baseline %s %s"):format(path, why)) end
    return r, { kind = "baseline", path = path, easydel_from = "baseline" }
  end
  local ds, from = base_dataset()
  local c = {}
  for k, v in pairs(cfg) do c[k] = v end
  c.dataset = ds
  local r = coverage.analyse(c, 1, true)
  -- Analysing bound the alias set to the base's inventory: back to the head's.
  cfg.aliases:bind(cov.head:modules())
  return r, { kind = "dataset", easydel_from = from }
end

local BASE_NEEDED = "needs a base to compare against: --base-tt-xla DIR (and --base-easydel "
  .. "PATH) or --baseline REPORT.json"

--- Whether --explain writes JSON (--format json) or Markdown (no format, or
-- markdown); another format stops the run.
function coverage.explain_format(name, what)
  if name == nil or name:lower() == "markdown" then return false end
  if name:lower() == "json" then return true end
  cov.abort(("%s writes markdown or json, not --format %s"):format(what or "--explain", name))
end

--- The gate figure of a report (cfg.figure over data.summary) as the
-- formats show it: {name, text, value (percent), display ("60.27"),
-- covered, total}; nil when the rules give no figure or when it is about
-- EasyDeL and no inventory is loaded (100% of nothing says nothing).
function coverage.figure(cfg, data, no_easydel)
  if not cfg.figure or (no_easydel and cfg.figure.needs_easydel ~= false) then return nil end
  local pc, covered, total = gate.value(cfg.figure, data.summary)
  return { name = cfg.figure.name, text = cfg.figure.text, value = pc,
    display = gate.display(pc), covered = covered, total = total }
end

--- The rule script's whole job: returns the report text (or the
-- explanation of cov.options.explain), after applying the gates.
function coverage.run(cfg)
  -- Options and rule tables first: a usage error costs no analysis.
  local opts = gate.options(cov.options)
  local explain = cov.options.explain
  local blame_name = not explain and cov.options.blame
  local fmt = not explain and not blame_name and report.format(cov.options.format or "markdown")
  local explain_json = explain and coverage.explain_format(cov.options.format)
  local blame_json = blame_name and coverage.explain_format(cov.options.format, "--blame")
  if blame_name and not cov.history then
    cov.abort("--blame reads the history: give --tt-xla-git REPO --history")
  end
  -- The trend formats always need it; the HTML chart only with a history.
  local want_trend = fmt and (fmt.needs_trend == true
    or (fmt.needs_trend == "history" and cov.history ~= nil))
  if want_trend then
    if not cfg.trend then
      cov.abort(("--format %s needs the series of the trend: the rules give none "
        .. "(coverage.run{trend = ...}, see docs/lua-api.md)"):format(cov.options.format))
    end
    require("covengine.trend").check(cfg.trend, 2)
  end
  local want_diff = (fmt and fmt.needs_diff) or opts.fail_on_regression or opts.fail_on_drop
  local want_figure = (fmt and fmt.needs_figure) or opts.fail_under or opts.fail_on_drop
  if cfg.figure then gate.check_figure(cfg.figure, at(cfg.figure, 2)) end
  -- A figure or gate about EasyDeL cannot judge without an inventory: 100%
  -- of nothing would pass any threshold.
  local no_easydel = not cov.head:easydel()
  if no_easydel and want_figure and cfg.figure and cfg.figure.needs_easydel ~= false then
    cov.abort(("no EasyDeL inventory is loaded, so the %s figure (%s) cannot be judged: "
      .. "give --easydel PATH"):format(cfg.figure.name, cfg.figure.text))
  end
  if no_easydel and opts.fail_on_regression then
    cov.abort("no EasyDeL inventory is loaded, so --fail-on-regression cannot judge families "
      .. "(they are named after EasyDeL modules): give --easydel PATH")
  end
  if cfg.diff then diff_rules.check_rules(cfg.diff, at(cfg.diff, 2)) end
  if cov.history and not want_trend and not blame_name and not explain then
    cov.warn("a history is loaded (--history) but unused: it is for --format trend, "
      .. "trend-json, trend-csv, html and --blame", cov.rules_file .. ":1")
  end
  local lint_conf = coverage.lint_config(cfg)
  if want_figure and not cfg.figure then
    cov.abort("--fail-under, --fail-on-drop and --format total need a gate figure: the rules "
      .. "give none "
      .. "(coverage.run{figure = ...}, see docs/rules.md)")
  end
  if want_diff then
    local what = opts.fail_on_regression and "--fail-on-regression"
      or opts.fail_on_drop and "--fail-on-drop"
      or ("--format " .. tostring(cov.options.format))
    if not cfg.diff then
      cov.abort(what .. " needs a status ranking: the rules give none (coverage.run{diff = "
        .. "...}, see docs/rules.md)")
    end
    if cov.options.baseline and cov.base then
      cov.abort("give either --baseline or --base-tt-xla/--base-easydel, not both")
    end
    if not cov.options.baseline and not cov.base then cov.abort(what .. " " .. BASE_NEEDED) end
    if cov.base and cov.base:count() == 0 then
      cov.abort(what .. ": the base dataset has no tt-xla tests to compare against (an EasyDeL "
        .. "inventory alone is not a base): give --base-tt-xla DIR too")
    end
  elseif (cov.base or cov.options.baseline) and not explain then
    cov.warn("a base to compare against is given but unused: it is for --format diff, "
      .. "--format diff-json, --fail-on-regression and --fail-on-drop", cov.rules_file .. ":1")
  end

  local data, fx, canonical_of = coverage.analyse(cfg, 2,
    (fmt and fmt.needs_tests) or want_diff)
  -- Only --explain reads the facts again; dropped here, most of them (about
  -- 4 KB a family) are garbage before the report is written.
  if not explain then fx, canonical_of = nil, nil end
  -- A format of findings (sarif, github) is written under --strict too: CI
  -- uploads it, then the run fails as a gate does.
  local want_findings = fmt and fmt.needs_findings
  local lint_findings, lint_errors = coverage.lint(cfg, lint_conf, want_findings)

  -- The gate figure is every report's headline (coverage.py prints TOTAL
  -- in every report, gated or not): data.figure, null when the rules give
  -- none or it cannot be judged (no EasyDeL inventory).
  local figure = coverage.figure(cfg, data, no_easydel)
  data.figure = figure or cov.json.null
  -- What formats see besides the report data: the phase definitions
  -- (their report texts), then per need the findings, figure, diff, trend.
  local ctx = { phases = cfg.phases }
  if want_findings then
    ctx.findings, ctx.load_warnings = require("covengine.findings").collect(cov.head,
      lint_findings, { strict = cov.options.strict ~= nil })
  end
  if want_figure then ctx.figure = figure end
  if want_diff then
    local base, info = base_report(cfg)
    ctx.diff = require("covengine.diff").compare(base, data, { ranking = cfg.diff.ranking,
      test_key = cfg.diff.test_key, figure = cfg.figure, base_info = info,
      frameworks = coverage.frameworks(cfg) })
  end

  if want_trend then ctx.trend = require("covengine.trend").collect(cfg, data) end

  local text
  if blame_name then
    local blame = require "covengine.blame"
    local b = blame.collect { name = blame_name, cfg = cfg,
      ranking = cfg.diff and cfg.diff.ranking or cov.statuses,
      test_key = cfg.diff and cfg.diff.test_key, frameworks = coverage.frameworks(cfg) }
    text = blame_json and blame.json(b) or blame.markdown(b)
  elseif explain_json then
    text = cov.json.encode(require("covengine.explain").data(explain, data, fx, canonical_of),
      { indent = true }) .. "\n"
  elseif explain then
    text = require("covengine.explain").explain(explain, data, fx, canonical_of)
  else
    text = fmt.render(data, ctx)
    if type(text) ~= "string" then
      cov.abort(("report format '%s' returned %s from render, not the report text")
        :format(cov.options.format or "markdown", type(text)))
    end
  end
  if lint_errors > 0 then cov.fail_gate(lint_verdict(lint_errors)) end
  if opts.fail_under then gate.apply_fail_under(cfg.figure, data.summary, opts) end
  if opts.fail_on_drop then gate.apply_drop(ctx.diff) end
  if opts.fail_on_regression then gate.apply_regression(ctx.diff) end
  return text
end

return coverage
