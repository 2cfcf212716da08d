--- Config hygiene lints over a dataset: problems in the tt-xla configs that
-- the analysis would otherwise pass over silently. Which lints run and
-- their policy (known arches, which statuses need a reason) come from the
-- rules (rules/lints.lua); what each checks is documented in docs/lints.md.
--
-- Every lint works on ds:group (one pass in C), ds:duplicates and
-- ds:placeholders, and iterates tests only of the few families it has
-- already found at fault, so lints stay cheap on a million tests. A lint
-- reports findings; lint.emit turns them into warnings (or, with --strict,
-- errors: the caller stops the run).
local check = require "covengine.check"
local cov = require "covengine"

local lint = {}

--- The lints, in the order they run and report.
lint.NAMES = { "duplicate_id", "file_mismatch", "stale_placeholder", "unknown_arch",
  "missing_reason", "unused_alias", "unknown_module", "loader_disagrees" }

--- One line per lint saying what it finds and what to do (SARIF help, docs/lints.md).
lint.HELP = {
  duplicate_id = "The same test id is in two files of one framework; remove one of them.",
  file_mismatch = "An id's parallelism or run mode is not the one its file "
    .. "(test_config_<run_mode>_<parallelism>.yaml) is for; move the entry.",
  stale_placeholder = "A placeholder (PLACEHOLDER_MODELS) now matches a tested entry; remove "
    .. "the placeholder.",
  unknown_arch = "arch_overrides names an arch outside the known ones (rules/lints.lua); a "
    .. "typo there never applies.",
  missing_reason = "An entry with a non-passing status has no reason; say why in `reason`.",
  unused_alias = "An alias rule in rules/aliases.lua matches no loaded test; fix or remove it.",
  loader_disagrees = "A test's tt-forge-models loader runs EasyDeL while the alias rules map "
    .. "its family to no module, or its checkpoint to another module than its name; check the "
    .. "rule or the loader.",
}

-- Each lint's options (check.fields spec); `true` in the rules means "on,
-- with no options", so a lint with required options needs a table.
local OPTIONS = {
  duplicate_id = {},
  file_mismatch = {},
  stale_placeholder = { not_tested = "string|list" },
  unknown_arch = { known = "string|list" },
  missing_reason = { statuses = "string|list" },
  unused_alias = {},
  unknown_module = {},
  loader_disagrees = {},
}
local STATUS_OPTIONS = { not_tested = true, statuses = true }

-- What the test id grammar (docs/design.md 3.2) allows in a file name
-- test_config_<run_mode>_<parallelism>.yaml.
local RUN_MODES = { inference = true, training = true }
local PARALLELISMS = { single_device = true, data_parallel = true, tensor_parallel = true }

local function set_of(list)
  local s = {}
  for _, v in ipairs(check.list(list)) do s[v] = true end
  return s
end

local sorted = require("covengine.facts").sorted

--- Validates the rules' lint table {name = true | false | {options}} and
-- returns {name = options-with-sets} for the lints that are on. Raises on
-- an unknown lint, option or status at `level` (as check.raise's: a level
-- above the caller, or the "file:line" rules.lints recorded).
function lint.config(t, level)
  level = check.up(level)
  if type(t) ~= "table" then check.raise("lints: expected a table", level) end
  local conf = {}
  local names = {}
  for name in pairs(t) do names[#names + 1] = name end
  table.sort(names, function(a, b) return tostring(a) < tostring(b) end)
  for _, name in ipairs(names) do
    local v = t[name]
    local spec = OPTIONS[name]
    if not spec then
      check.raise(("lints: unknown lint '%s' (known: %s)"):format(tostring(name),
        table.concat(lint.NAMES, ", ")), level)
    end
    if v == true then v = {} end
    if v ~= false then
      if type(v) ~= "table" then
        check.raise(("lints: '%s' must be true, false or a table of options"):format(name), level)
      end
      check.fields(v, spec, "lints." .. name, level)
      local opts = {}
      for _, k in ipairs(sorted(v)) do
        local val = v[k]
        opts[k] = set_of(val)
        if STATUS_OPTIONS[k] then
          for _, s in ipairs(sorted(opts[k])) do
            local known = false
            for _, st in ipairs(cov.statuses) do known = known or st == s end
            if not known then
              check.raise(("lints.%s: '%s' names '%s', not a status (known: %s)"):format(name, k, s,
                table.concat(cov.statuses, ", ")), level)
            end
          end
        end
      end
      conf[name] = opts
    end
  end
  return conf
end

local function plural(n, one, many)
  return ("%d %s"):format(n, n == 1 and one or many)
end

local function at(t) return ("%s:%d"):format(t.file, t.line) end

local checks = {}

-- The same id twice in one framework, in two files. The loader already
-- warns about each; the lint makes them count under --strict.
function checks.duplicate_id(ds)
  local out = {}
  for _, d in ipairs(ds:duplicates()) do
    out[#out + 1] = { where = ("%s:%d"):format(d.file, d.line), entries = 1, loader_warned = true,
      message = ("test id '%s' is also in %s:%d; this later entry is the one counted (tt-xla "
        .. "merges the files in order)"):format(d.id, d.replaced_file, d.replaced_line) }
  end
  return out
end

-- Ids whose parallelism or run mode is not the one their file is for.
function checks.file_mismatch(ds)
  local out = {}
  for _, g in ipairs(ds:group({ "file", "parallelism", "run_mode" }, { fields = { "first" } })) do
    local name = g.file:match("([^/\\]+)$")
    local mode, par = name:match("^test_config_(%l+)_(.-)%.yaml$")
    if RUN_MODES[mode] and PARALLELISMS[par] and g.parallelism ~= nil
      and (g.parallelism ~= par or g.run_mode ~= mode) then
      out[#out + 1] = { where = at(g.first), entries = g.count,
        message = ("%s %s %s in a file for %s %s (first: '%s')"):format(
          plural(g.count, "entry is", "entries are"), g.parallelism, g.run_mode, par, mode,
          g.first.id) }
    end
  end
  return out
end

--- Placeholders (models not brought up yet) whose name now matches a
-- tested entry. The placeholder's model name (after its last '/',
-- normalised as alias names are: lower case, '-', '.' and spaces to '_', no
-- '_' between a letter and a digit) must equal, normalised, a tested
-- entry's raw family, its variant, the variant after its last '/', or
-- "<family>_<variant>" (Gemma 3 27B = gemma + 3_27B). Tested: a status
-- outside `not_tested`. Placeholders may come from another dataset than
-- the tests (the specs match one revision's placeholders to another's
-- tests). Returns findings.
function lint.stale_placeholders(placeholders, ds, not_tested, normalize)
  if #placeholders == 0 then return {} end
  local wanted = {}
  for _, p in ipairs(placeholders) do
    wanted[normalize(p.name:match("([^/]*)$"))] = true
  end
  -- Names repeat across groups (a family for each of its variants, a
  -- variant that is its own last segment): normalise each once.
  local memo = setmetatable({}, { __index = function(t, name)
    local key = normalize(name)
    t[name] = key
    return key
  end })
  local found = {}
  local function try(name, g, of_variant)
    local key = memo[name]
    if wanted[key] and not found[key] then found[key] = { g = g, of_variant = of_variant } end
  end
  for _, g in ipairs(ds:group({ "family", "variant" }, { fields = { "status", "first" } })) do
    local n = g.count
    for s in pairs(not_tested) do n = n - (g.status[s] or 0) end
    if n > 0 and g.family then
      try(g.family, g, false)
      if g.variant then
        try(g.variant, g, true)
        try(g.variant:match("([^/]*)$"), g, true)
        try(g.family .. "_" .. g.variant, g, true)
      end
    end
  end
  local out = {}
  for _, p in ipairs(placeholders) do
    local hit = found[normalize(p.name:match("([^/]*)$"))]
    if hit then
      local g, t = hit.g, hit.g.first
      local what = hit.of_variant and ("variant '%s' of %s"):format(g.variant, g.family)
        or ("family '%s'"):format(g.family)
      out[#out + 1] = { where = ("%s:%d"):format(p.file, p.line), entries = 1,
        message = ("placeholder '%s' now matches tested %s ('%s' at %s)"):format(p.name, what,
          t.id, at(t)) }
    end
  end
  return out
end

function checks.stale_placeholder(ds, opts, ctx)
  return lint.stale_placeholders(ds:placeholders(), ds, opts.not_tested or {}, ctx.normalize)
end

-- supported_archs or arch_overrides naming an arch outside the known set:
-- one finding per unknown arch, counting the families whose entries name it
-- and pointing at the first such entry. The dataset's arches come from C
-- (ds:arches); tests are looked at only when one of them is unknown.
function checks.unknown_arch(ds, opts)
  local unknown = {}
  for _, arch in ipairs(ds:arches()) do
    if not opts.known[arch] then unknown[#unknown + 1] = arch end
  end
  local out = {}
  if #unknown == 0 then return out end
  local first, families = {}, {}
  for _, arch in ipairs(unknown) do families[arch] = {} end
  for t in ds:tests() do
    local named = t.arch_status
    for _, arch in ipairs(unknown) do
      if named[arch] ~= nil then
        first[arch] = first[arch] or t
        families[arch][t.family or t.id] = true
      end
    end
  end
  for _, arch in ipairs(unknown) do
    local t = first[arch]
    local n = #sorted(families[arch])
    out[#out + 1] = { where = at(t), families = n,
      message = ("supported_archs or arch_overrides name '%s', not a known arch, in %s (first: "
        .. "'%s'; known: %s)"):format(arch, plural(n, "family", "families"), t.id,
          table.concat(sorted(opts.known), ", ")) }
  end
  return out
end

-- Entries with a non-passing status of their own and no reason, per file
-- and status (an entry whose status is in its arch_overrides has its
-- reasons there).
function checks.missing_reason(ds, opts)
  local out = {}
  for _, g in ipairs(ds:group({ "file", "entry_status", "has_reason" },
    { fields = { "first" } })) do
    local status = g.entry_status
    if not g.has_reason and opts.statuses[status] then
      out[#out + 1] = { where = at(g.first), entries = g.count,
        message = ("%s with status %s and no reason in this file (first: '%s')"):format(
          plural(g.count, "entry", "entries"), status, g.first.id) }
    end
  end
  return out
end

-- Alias rules that matched no test (the set counts hits while facts are
-- built). The built-in snapshot is a demo: rules written for real tt-xla
-- trees are expected not to fire on it, so it is not judged.
function checks.unused_alias(ds, _, ctx)
  local out = {}
  if not ctx.aliases then return out end
  local real = false
  for _, s in ipairs(ds:sources()) do
    if not s.path:find("^builtin:") then real = true end
  end
  if not real then return out end
  local alias = require "covengine.alias"
  -- Without a tt-forge-models tree no test has a checkpoint: rules on
  -- checkpoints cannot fire on tests, so they are not judged.
  local checkpoints = ds.tt_forge_models and ds:tt_forge_models() ~= nil
  for _, r in ipairs(ctx.aliases:unused()) do
    if checkpoints or not (r.checkpoints or r.checkpoint_pattern) then
      out[#out + 1] = { where = r.where, entries = 0,
        message = ("alias rule never fires: %s"):format(alias.describe(r)) }
    end
  end
  return out
end

-- Tests whose tt-forge-models loader runs EasyDeL (source=EASYDEL) while
-- the alias rules map their family to no EasyDeL module, or, by the
-- checkpoint they load, to another module than their family alone maps
-- to. One finding per loader and disagreement, at its first test.
function checks.loader_disagrees(ds, _, ctx)
  local out = {}
  if not ctx.aliases or not (ds.tt_forge_models and ds:tt_forge_models()) then return out end
  local set, found, order, cache = ctx.aliases, {}, {}, {}
  local function memo(raw, task, variant, checkpoint)
    local k = table.concat({ raw, task or "", variant or "", checkpoint or "" }, "\0")
    local m = cache[k]
    if not m then
      m = set:resolve(raw, task, variant, 0, checkpoint)
      cache[k] = m
    end
    return m
  end
  for _, g in ipairs(ds:group({ "loader", "family", "task_path", "variant", "checkpoint",
    "source" }, { fields = { "first" } })) do
    if g.source == "EASYDEL" and g.family then
      local m = memo(g.family, g.task_path, g.variant, g.checkpoint)
      local plain = memo(g.family, g.task_path, g.variant, nil)
      if not m.module or plain.module ~= m.module then
        local key = table.concat({ g.loader, m.module or "", plain.module or "" }, "\0")
        local f = found[key]
        if not f then
          f = { first = g.first, loader = g.loader, m = m, plain = plain, family = g.family,
            entries = 0, checkpoints = {}, seen = {} }
          found[key] = f
          order[#order + 1] = key
        end
        f.entries = f.entries + g.count
        if g.checkpoint and not f.seen[g.checkpoint] then
          f.seen[g.checkpoint] = true
          f.checkpoints[#f.checkpoints + 1] = g.checkpoint
        end
      end
    end
  end
  for _, key in ipairs(order) do
    local f = found[key]
    local why
    if not f.m.module then
      why = ("its family maps to no EasyDeL module (%s%s)"):format(
        f.m.where and (f.m.where .. ": ") or "", f.m.reason)
    else
      why = ("it loads %s, which %s maps to %s, while its family %s maps to %s"):format(
        table.concat(f.checkpoints, ", "), f.m.where or "the rules", f.m.module, f.family,
        f.plain.module or "no module")
    end
    out[#out + 1] = { where = at(f.first), entries = f.entries,
      message = ("test '%s' runs EasyDeL (loader %s declares source=EASYDEL; %s) but %s"):format(
        f.first.id, f.loader, plural(f.entries, "entry", "entries"), why) }
  end
  return out
end

-- Alias rules naming an EasyDeL module the loaded inventory does not have:
-- a typo ("gpt_neoxx") or a module of another EasyDeL revision. The tests
-- such a rule maps count without EasyDeL, so the finding says how many.
function checks.unknown_module(ds, _, ctx)
  local out = {}
  if not ctx.aliases or not ds:easydel() then return out end
  local have, names = {}, {}
  for _, m in ipairs(ds:modules()) do
    have[m.name] = true
    names[#names + 1] = m.name
  end
  -- The built-in snapshot is a demo whose inventory (the seed's 53
  -- modules) predates many modules the rules name: not judged, as for
  -- unused_alias (its report says where a rule names a missing module).
  local real = false
  for _, src in ipairs(ds:sources()) do
    if not src.path:find("^builtin:") then real = true end
  end
  if not real then return out end
  for _, r in ipairs(ctx.aliases.rules) do
    if type(r.module) == "string" and not have[r.module] then
      local near, nd
      for _, n in ipairs(names) do
        local d = cov.distance(r.module, n, 2)
        if d <= 2 and (not nd or d < nd) then near, nd = n, d end
      end
      out[#out + 1] = { where = r.where, entries = r.hits,
        message = ("alias rule names EasyDeL module '%s', which the loaded EasyDeL inventory "
          .. "does not have%s%s"):format(r.module,
          near and ("; did you mean '%s'?"):format(near) or "",
          r.hits > 0 and ("; the %s it maps count%s without EasyDeL"):format(plural(r.hits,
            "entry", "entries"), r.hits == 1 and "s" or "") or "") }
    end
  end
  return out
end

--- Runs the lints that are on (conf from lint.config) over ds. ctx:
-- aliases (the alias set, after facts were built), normalize (name
-- normalisation). Returns findings {lint, where, message, entries (how many
-- entries the finding covers; unknown_arch gives `families` instead),
-- loader_warned} in lint order.
function lint.run(ds, conf, ctx)
  ctx = ctx or {}
  ctx.normalize = ctx.normalize or require("covengine.alias").normalize
  local all = {}
  for _, name in ipairs(lint.NAMES) do
    if conf[name] then
      for _, f in ipairs(checks[name](ds, conf[name], ctx)) do
        f.lint = name
        all[#all + 1] = f
      end
    end
  end
  return all
end

-- The lint names of findings, in lint order, once each.
local function lint_names(findings)
  local seen, out = {}, {}
  for _, f in ipairs(findings) do seen[f.lint] = true end
  for _, name in ipairs(lint.NAMES) do
    if seen[name] then out[#out + 1] = name end
  end
  return out
end

--- Turns findings into warnings, "message [lint]" at the finding's place.
-- Without --strict, duplicates the loader already warned about are not
-- repeated, and more than three unused alias rules make one line (unless
-- verbose). With strict every finding is printed, as an error. Returns the number of
-- findings that are errors under strict (all of them).
function lint.emit(findings, opts)
  opts = opts or {}
  -- Under --strict each finding is an error: "error:", shown even with -q.
  local severity = opts.strict and "error" or "warning"
  local unused = {}
  for _, f in ipairs(findings) do
    -- Rules that do nothing on this data are many on other revisions: one
    -- line for them all beyond three.
    if f.lint == "unused_alias" or (f.lint == "unknown_module" and f.entries == 0) then
      unused[#unused + 1] = f
    elseif opts.strict or not f.loader_warned then
      cov.warn(("%s [%s]"):format(f.message, f.lint), f.where, severity)
    end
  end
  if #unused <= 3 or opts.verbose or opts.strict then
    for _, f in ipairs(unused) do
      cov.warn(("%s [%s]"):format(f.message, f.lint), f.where, severity)
    end
  elseif #unused > 0 then
    local lines = {}
    for _, f in ipairs(unused) do lines[#lines + 1] = f.where:match(":(%d+)$") end
    local kinds = lint_names(unused)
    local what = #kinds == 1 and kinds[1] == "unused_alias" and "never fire"
      or #kinds == 1 and "name a module the loaded EasyDeL inventory does not have"
      or "never fire or name a module the loaded EasyDeL inventory does not have"
    cov.warn(("%d alias rules %s (lines %s); -v lists them [%s]"):format(#unused, what,
      table.concat(lines, ", "), table.concat(kinds, ", ")), unused[1].where)
  end
  return #findings
end

return lint
