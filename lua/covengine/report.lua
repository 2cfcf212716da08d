--- The report: every figure and list the formats show, computed once from
-- family facts and phases, in the shape of covengine.report/1 (docs/design.md
-- section 5). Formats (rules/reports/*.lua) only lay this table out, so
-- Markdown, JSON, CSV and HTML always agree.
local cov = require "covengine"
local facts_mod = require "covengine.facts"
local rules = require "covengine.rules"

local report = {}

local json_null = cov.json.null
local array = cov.json.array

local function or_null(v)
  if v == nil then return json_null end
  return v
end

local function names(list)
  local out = array {}
  for _, f in ipairs(list) do out[#out + 1] = f.name end
  return out
end

-- The per-test lines of one family in one framework (JSON wants them).
local function test_lines(ds, f, fwname, canonical_of)
  local out = array {}
  for _, raw in ipairs(f.raw_names) do
    for t in ds:tests { family = raw, framework = fwname } do
      local ld = t.loader
      if canonical_of(t.family, t.task_path, t.variant, ld and ld.checkpoint) == f.name then
        -- The status on each arch the test names (null: it does not run
        -- there) and on every other arch (null: it runs only where named).
        local arch = {}
        for name, st in pairs(t.arch_status) do arch[name] = st or json_null end
        out[#out + 1] = {
          id = t.id, raw_family = t.family, variant = or_null(t.variant),
          task_path = or_null(t.task_path), status = t.status,
          run_mode = or_null(t.run_mode), parallelism = or_null(t.parallelism),
          entry_status = t.entry_status, status_elsewhere = or_null(t.status_elsewhere),
          bringup_status = or_null(t.bringup_status), file = t.file, line = t.line,
          arch_status = arch,
          source = or_null(ld and ld.source), group = or_null(ld and ld.group),
          checkpoint = or_null(ld and ld.checkpoint), loader = or_null(ld and ld.path),
        }
      end
    end
  end
  return out
end

-- How many variant names a report lists per family and framework; the
-- count covers the rest.
-- The number of items of all the lists of a table.
local function count_lists(t)
  local n = 0
  for _, list in pairs(t) do n = n + #list end
  return n
end

local MAX_VARIANT_NAMES = 32

-- Variant names (a sorted sample; variant_count counts them all), prefixed
-- with the raw family where the family gathers several ("qwen_2_5_coder 7B").
local function framework_entry(f, fw)
  local prefix = #f.raw_names > 1 or f.raw_names[1] ~= f.name
  local list = array {}
  for i = 1, math.min(#fw.variant_samples, MAX_VARIANT_NAMES) do
    local v = fw.variant_samples[i] -- "raw family <TAB> variant", sorted
    list[i] = prefix and v:gsub("\t", " ", 1) or v:match("\t(.*)$")
  end
  local loaders = array {}
  for _, l in ipairs(fw.loaders) do
    loaders[#loaders + 1] = { loader = or_null(l.loader), raw_family = l.raw_family,
      variant = or_null(l.variant), checkpoint = or_null(l.checkpoint),
      source = or_null(l.source), group = or_null(l.group), count = l.count,
      status_counts = l.status }
  end
  return {
    tested = fw.tested, count = fw.count,
    status_counts = fw.status, reach_counts = fw.reach,
    bringup_counts = fw.bringup, arch_status = fw.arch_status,
    run_modes = array(facts_mod.sorted(fw.run_modes)),
    parallelisms = array(facts_mod.sorted(fw.parallelisms)),
    task_paths = array(facts_mod.sorted(fw.task_paths)),
    variant_count = fw.variant_count,
    variant_names = list,
    listed_not_running = fw.listed_not_running,
    implementation = or_null(fw.implementation),
    sources = fw.sources, source_computed = fw.source_computed,
    loader_unknown = fw.loader_unknown, groups = fw.groups,
    loaders = loaders,
  }
end

-- The canonical family and module a loader (or a placeholder name, as a
-- checkpoint) stands for, by the alias rules; no hit is counted.
local function resolve(set, raw, task, variant, checkpoint)
  local m = set:resolve(raw, task, variant, 0, checkpoint)
  return m.canonical, m.module, m.where
end

-- tt-forge-models: the tree, the loaders whose integration started with no
-- test yet (opts.started), the unlisted variants and the unknown ids.
local function forge_lists(r, ds, fx, opts)
  local forge = fx.forge
  local found = cov.options[ds:name() == "base" and "base_tt_forge_models_found"
    or "tt_forge_models_found"]
  r.tt_forge_models = forge and { source = forge.source, loaders = forge.loaders,
    found_in_tt_xla = found == forge.source } or json_null
  r.integration_started, r.unlisted_variants, r.unknown_ids = array {}, array {}, array {}
  if not forge then
    r.notes[#r.notes + 1] = "no tt-forge-models tree is loaded, so which implementation "
      .. "each test runs is not known: no family is shown as already on EasyDeL "
      .. "(give --tt-forge-models DIR, or a --tt-xla checkout with third_party/tt_forge_models)"
    return
  end
  for _, l in ipairs(ds:loaders()) do
    if l.model_framework then
      local first = l.variants[1]
      local family, module = resolve(fx.aliases, l.family, l.task_path,
        first and first.value, first and first.checkpoint or l.checkpoint)
      if opts.started and opts.started(l) then
        local values, checkpoints = array {}, array {}
        for _, v in ipairs(l.variants) do
          values[#values + 1] = v.value or v.name
          if v.checkpoint then checkpoints[#checkpoints + 1] = v.checkpoint end
        end
        if #l.variants == 0 and l.checkpoint then checkpoints[1] = l.checkpoint end
        local src = l.source
        for _, v in ipairs(l.variants) do src = src or v.source end
        r.integration_started[#r.integration_started + 1] = { loader = l.path,
          family = family, easydel = or_null(module), source = or_null(src),
          group = or_null(l.group), variants = values, checkpoints = checkpoints,
          file = l.file, line = l.line }
      end
      local slots = #l.variants > 0 and l.variants or { { tested = l.tested,
        checkpoint = l.checkpoint, source = l.source } }
      for _, v in ipairs(slots) do
        if not v.tested then
          r.unlisted_variants[#r.unlisted_variants + 1] = { loader = l.path,
            variant = or_null(v.value), checkpoint = or_null(v.checkpoint),
            source = or_null(v.source), family = family }
        end
      end
    end
  end
  for _, u in ipairs(ds:unknown_ids()) do
    r.unknown_ids[#r.unknown_ids + 1] = { id = u.id, framework = u.framework, file = u.file,
      line = u.line, reason = u.reason }
  end
end

-- Placeholders (models planned, not brought up) through the alias rules,
-- their name as a checkpoint: planned beside the modules they would cover.
local function planned(r, ds, fx)
  r.planned = array {}
  local by_module = {}
  for _, p in ipairs(ds:placeholders()) do
    local raw = fx.aliases.normalize(p.name:match("([^/]*)$"))
    local m = fx.aliases:resolve(raw, nil, nil, 1, p.name) -- a hit: planned models count
    local family, module, where = m.canonical, m.module, m.where
    r.planned[#r.planned + 1] = { name = p.name, bringup_status = or_null(p.bringup_status),
      family = family, easydel = or_null(module), alias_rule = or_null(where),
      file = p.file, line = p.line }
    if module then
      by_module[module] = by_module[module] or array {}
      table.insert(by_module[module], p.name)
    end
  end
  return by_module
end

--- report.build(ds, facts, phases, members, opts) -> report table.
-- opts: policy (text), types (TaskType -> label), tests (include per-test
-- variant lines), canonical_of (function(raw, task, variant) -> name).
function report.build(ds, fx, phases, members, opts)
  local r = {
    schema = "covengine.report/1",
    policy = opts.policy,
    frameworks = array(fx.frameworks),
  }
  local easydel = ds:easydel()
  r.easydel = easydel and {
    revision = or_null(easydel.revision), date = or_null(easydel.date), source = easydel.source,
  } or json_null
  r.inputs = array {}
  r.notes = array {}
  for _, s in ipairs(ds:sources()) do
    r.inputs[#r.inputs + 1] = { path = s.path, kind = s.kind, framework = or_null(s.framework),
      entries = s.entries }
  end
  forge_lists(r, ds, fx, opts)
  local planned_for = planned(r, ds, fx)

  -- Suggestions belong to the family the unmatched raw name became.
  local suggestions = {}
  for _, u in ipairs(fx.unmatched) do suggestions[u.canonical] = u.suggestions end
  local families, with, untested, listed = array {}, array {}, array {}, array {}
  -- Tested families without EasyDeL by the framework groups they are
  -- tested in (rules/frameworks.lua): <group>_only, or both.
  local without = { both = array {} }
  for _, g in ipairs(rules.groups(opts.frameworks)) do without[g.id .. "_only"] = array {} end
  local by_fw = {}
  for _, fw in ipairs(fx.frameworks) do by_fw[fw] = array {} end
  for _, f in ipairs(fx.list) do
    local e = {
      name = f.name, raw_names = array(f.raw_names), easydel = or_null(f.module),
      easydel_type = or_null(f.easydel_type),
      alias_rule = or_null(f.alias and f.alias.where),
      alias_reason = or_null(f.alias and f.alias.reason),
      aliases = array {},
      easydel_tasks = array(f.easydel_tasks), test_tasks = array(f.test_tasks),
      missing_tasks = array(f.missing_tasks), task_paths = array(f.task_paths),
      frameworks = {}, tested_in = array {}, listed_in = array {},
      tags = array(facts_mod.sorted(f.tags)),
      phase = f.phase and { number = f.phase.number, name = f.phase.name, rule = f.phase.rule }
        or json_null,
      suggestions = array {},
      group = or_null(f.group), groups = f.groups,
      planned = (f.module and planned_for[f.module]) or array {},
    }
    for _, sg in ipairs(suggestions[f.name] or {}) do e.suggestions[#e.suggestions + 1] = sg end
    local missing = {}
    for _, mp in ipairs(f.mappings) do
      e.aliases[#e.aliases + 1] = { raw = mp.raw, rule = or_null(mp.where), reason = mp.reason,
        how = mp.how, missing_module = or_null(mp.missing_module) }
      if mp.missing_module then missing[mp.missing_module] = true end
    end
    -- A rule names a module this inventory does not have: the family is
    -- counted without EasyDeL, and says why.
    e.missing_modules = array(facts_mod.sorted(missing))
    for _, fwname in ipairs(fx.frameworks) do
      local fw = f.frameworks[fwname]
      if fw then
        local fe = framework_entry(f, fw)
        if opts.tests then fe.variants = test_lines(ds, f, fwname, opts.canonical_of) end
        e.frameworks[fwname] = fe
        if fw.tested then
          e.tested_in[#e.tested_in + 1] = fwname
          table.insert(by_fw[fwname], f.name)
        elseif fw.listed_not_running then
          e.listed_in[#e.listed_in + 1] = fwname
        end
      end
    end
    families[#families + 1] = e
    if #e.listed_in > 0 then
      listed[#listed + 1] = { family = f.name, frameworks = e.listed_in }
    end
    if f.tested_anywhere then
      if f.module then
        with[#with + 1] = f.name
      else
        local first, several
        for _, fwname in ipairs(fx.frameworks) do
          local g = f.tested[fwname] and rules.group_of(opts.frameworks, fwname)
          if g and first and g ~= first then several = true end
          first = first or g
        end
        local bucket = several and "both" or first .. "_only"
        without[bucket] = without[bucket] or array {}
        table.insert(without[bucket], f.name)
      end
    end
  end
  r.families = families
  r.families_tested = by_fw
  r.with_easydel = with
  r.without_easydel = without
  -- Families a framework's config lists whose entries there none run.
  r.listed_not_running = listed

  -- Modules no tested family maps to.
  local covered = {}
  for _, f in ipairs(fx.list) do
    if f.tested_anywhere and f.module then covered[f.module] = true end
  end
  for _, name in ipairs(facts_mod.sorted(fx.modules)) do
    if not covered[name] then
      local m = fx.modules[name]
      untested[#untested + 1] = { module = name, type = or_null(report.module_type(m, opts.types)),
        planned = planned_for[name] or array {} }
    end
  end
  r.easydel_untested = untested

  -- Families whose JAX tests already run EasyDeL (their loaders say so):
  -- the variants that do and their statuses.
  r.on_easydel = array {}
  for _, f in ipairs(fx.list) do
    local fw = f.frameworks.jax
    if fw and (fw.sources.EASYDEL or 0) > 0 then
      local variants, others = array {}, array {}
      for _, l in ipairs(fw.loaders) do
        local list = l.source == "EASYDEL" and variants or others
        list[#list + 1] = { loader = or_null(l.loader), raw_family = l.raw_family,
          variant = or_null(l.variant), checkpoint = or_null(l.checkpoint),
          source = or_null(l.source), count = l.count, status_counts = l.status }
      end
      r.on_easydel[#r.on_easydel + 1] = { family = f.name, easydel = or_null(f.module),
        group = or_null(f.group), tested = fw.tested, listed_not_running = fw.listed_not_running,
        implementation = or_null(fw.implementation), variants = variants, others = others }
    end
  end

  r.unmatched = array {}
  for _, u in ipairs(fx.unmatched) do
    r.unmatched[#r.unmatched + 1] = { name = u.name, suggestions = array(u.suggestions) }
  end
  r.unparsed = array {}
  for t in ds:tests { parsed = false } do
    r.unparsed[#r.unparsed + 1] = { id = t.id, file = t.file, line = t.line }
  end
  -- Ids in two files, counted once: the entry tt-xla uses and the other.
  r.duplicates = array {}
  for _, d in ipairs(ds:duplicates()) do
    r.duplicates[#r.duplicates + 1] = { id = d.id, framework = d.framework, file = d.file,
      line = d.line, replaced_file = d.replaced_file, replaced_line = d.replaced_line }
  end
  r.arches = array(ds:arches())

  r.phases = array {}
  for i, p in ipairs(phases) do
    r.phases[#r.phases + 1] = { number = p.number or i, name = p.name, summary = p.summary,
      rule = p.where, families = names(members[i]) }
  end

  local per_fw = {}
  for _, fw in ipairs(opts.frameworks) do per_fw[fw.id] = 0 end
  for fwname, list in pairs(by_fw) do per_fw[fwname] = #list end
  r.summary = {
    tests = ds:count(),
    families = #families,
    families_by_framework = per_fw,
    easydel_modules = easydel and easydel.module_count or 0,
    with_easydel = #with,
    without_easydel = count_lists(without),
    easydel_untested = #untested,
    unmatched = #r.unmatched,
    unparsed_ids = #r.unparsed,
    on_easydel = #r.on_easydel,
    integration_started = #r.integration_started,
    planned = #r.planned,
    unknown_ids = #r.unknown_ids,
    unlisted_variants = #r.unlisted_variants,
    listed_not_running = #listed,
    duplicate_ids = #r.duplicates,
  }
  return r
end

--- What kind of model an EasyDeL module is: the manifest's own "type", or
-- the label (from the rules' types table) of its most telling TaskType.
function report.module_type(m, types)
  if m.type then return m.type end
  local best, rank
  for _, reg in ipairs(m.registrations) do
    local t = types and types[reg.task]
    if t and (not rank or t.rank < rank) then best, rank = t.label, t.rank end
  end
  return best
end

--- The closest of `candidates` to `name` (edit distance within a third of its
-- length, at least 2), or nil: for "did you mean".
function report.closest(name, candidates)
  local best, best_d
  local limit = math.max(2, #name // 3)
  for _, n in ipairs(candidates) do
    local d = cov.distance(name:lower(), n:lower(), limit)
    if d <= limit and (not best_d or d < best_d) then best, best_d = n, d end
  end
  return best
end

--- Loads a report format from rules/reports/<name>.lua (searched in the
-- rule directories) and returns its render function. Names are matched
-- case-insensitively when no file has the name as given (HTML is html); an
-- unknown name stops the run listing the formats there are.
function report.format(name)
  if type(name) ~= "string" or not name:match("^[%w_%-]+$") then
    cov.abort(("unknown report format '%s'"):format(tostring(name)))
  end
  local ok, mod = pcall(require, "reports." .. name)
  local missing = "module 'reports." .. name .. "' not found"
  if not ok and tostring(mod):find(missing, 1, true) and name:lower() ~= name then
    local lower = name:lower()
    ok, mod = pcall(require, "reports." .. lower)
    missing = "module 'reports." .. lower .. "' not found"
  end
  if not ok then
    if tostring(mod):find(missing, 1, true) then
      local dirs = cov.rule_dirs or {}
      local known = cov.formats(dirs)
      local hint = report.closest(name, known)
      cov.abort(("unknown report format '%s': no reports/%s.lua in %s%s (formats: %s)"):format(
        name, name, table.concat(dirs, ", "), hint and ("; did you mean '" .. hint .. "'?") or "",
        table.concat(known, ", ")))
    end
    error(mod, 0)
  end
  if type(mod) ~= "table" or type(mod.render) ~= "function" then
    error(("reports/%s.lua must return a table with a render(report) function"):format(name), 0)
  end
  return mod
end

return report
