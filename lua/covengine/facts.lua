--- Family facts: the loaded tests aggregated per canonical family and
-- framework, after aliasing. Built from ds:group (one pass in C) and the
-- alias set, so the cost follows the number of distinct families and
-- variants, not the number of tests.
local cov = require "covengine"

local facts = {}

-- ---- Strict views: what rule predicates see ----------------------------
--
-- A predicate reading a field that does not exist (`f.tested.pytorch`, a
-- typo for torch) would read nil and quietly decide wrong. Predicates get
-- read-only views instead whose unknown fields are errors at the
-- predicate's own line, with the closest known name.

-- The fields a family or a framework fact may have (some only sometimes).
facts.FAMILY_FIELDS = { "name", "module", "no_module", "easydel_only", "tested",
  "tested_anywhere", "listed", "tags", "raw_names", "easydel_tasks", "easydel_type", "test_tasks",
  "missing_tasks", "task_paths", "frameworks", "mappings", "alias", "phase", "group", "groups" }
facts.FRAMEWORK_FIELDS = { "count", "status", "bringup", "reach", "arch_status", "run_modes",
  "parallelisms", "task_paths", "variant_count", "variant_samples", "variants_truncated",
  "tested", "listed_not_running", "implementation", "loaders", "sources", "groups",
  "source_computed", "loader_unknown" }

local function closest(key, names)
  if type(key) ~= "string" then return nil end
  local best, bd
  for _, n in ipairs(names) do
    local d = cov.distance(key, n, 3)
    if d <= 3 and (not bd or d < bd) then best, bd = n, d end
  end
  return best
end

--- The keys of a set, sorted.
local function sorted(set)
  local list = {}
  for k in pairs(set) do list[#list + 1] = k end
  table.sort(list)
  return list
end
facts.sorted = sorted

-- A view of t whose fields outside `known` (a set) raise at the reader's
-- line. wrap[k] (optional) makes the view of field k (once per value), as
-- wrap[k](value, state of the parent view). All
-- views share one metatable; a view holds its state under a private key,
-- so a view costs two tables (views are made for every family).
local STATE = {}
local STRICT = {}

function STRICT.__index(p, k)
  local st = rawget(p, STATE)
  local v = st.t[k]
  if v == nil and not st.known[k] then
    local names = sorted(st.known)
    local near = closest(k, names)
    error(("%s has no field '%s'%s (known: %s)"):format(st.what, tostring(k),
      near and ("; did you mean '" .. near .. "'?") or "", table.concat(names, ", ")), 2)
  end
  local make = v ~= nil and st.wrap and st.wrap[k]
  if make then
    st.views = st.views or {}
    local view = st.views[k]
    if not view or view[1] ~= v then
      view = { v, make(v, st) }
      st.views[k] = view
    end
    return view[2]
  end
  return v
end

function STRICT.__newindex(p, k, v) rawget(p, STATE).t[k] = v end

function STRICT.__pairs(p) return next, rawget(p, STATE).t, nil end

function STRICT.__len(p) return #rawget(p, STATE).t end

local function strict(t, what, known, wrap)
  return setmetatable({ [STATE] = { t = t, what = what, known = known, wrap = wrap } }, STRICT)
end
facts.strict = strict

local function set_of_list(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end
local FAMILY_KNOWN = set_of_list(facts.FAMILY_FIELDS)
local FRAMEWORK_KNOWN = set_of_list(facts.FRAMEWORK_FIELDS)

local STATUS_KNOWN = set_of_list(cov.statuses)
local BRINGUP_KNOWN = set_of_list(cov.bringup_statuses)
local FRAMEWORK_WRAP = {
  status = function(v, st) return strict(v, st.what .. ".status", STATUS_KNOWN) end,
  reach = function(v, st) return strict(v, st.what .. ".reach", STATUS_KNOWN) end,
  bringup = function(v, st) return strict(v, st.what .. ".bringup", BRINGUP_KNOWN) end,
}

--- The view of a framework fact (fw) of family `name` that predicates see.
function facts.strict_framework(fw, name)
  return strict(fw, ("framework facts of '%s'"):format(name), FRAMEWORK_KNOWN, FRAMEWORK_WRAP)
end

--- A function family -> its view for predicates (phases, tags). tags: the
-- tag names the rules define; frameworks: the ids of the frameworks loaded;
-- listed: the rules' frameworks{} list (its ids are known fields too).
function facts.viewer(list, tags, frameworks, listed)
  local known = {}
  for k in pairs(FAMILY_KNOWN) do known[k] = true end
  for _, f in ipairs(list) do
    for k in pairs(f) do known[k] = true end -- fields other rules added
  end
  local fws = {}
  for _, fw in ipairs(listed or {}) do fws[fw.id] = true end
  for _, fw in ipairs(frameworks or {}) do fws[fw] = true end
  local tag_names = {}
  for name in pairs(tags or {}) do tag_names[name] = true end
  local framework_of = setmetatable({}, { __index = function(self, _)
    local make = function(fw, st) return facts.strict_framework(fw, st.name) end
    rawset(self, _, make)
    return make
  end })
  local wrap = {
    tested = function(t, st) return strict(t, st.what .. ": f.tested", fws) end,
    listed = function(t, st) return strict(t, st.what .. ": f.listed", fws) end,
    tags = function(t, st) return strict(t, st.what .. ": f.tags", tag_names) end,
    frameworks = function(t, st)
      local v = strict(t, st.what .. ": f.frameworks", fws, framework_of)
      rawget(v, STATE).name = st.name
      return v
    end,
  }
  local memo = {}
  return function(f)
    local v = memo[f]
    if v then return v end
    v = strict(f, ("family '%s'"):format(f.name), known, wrap)
    rawget(v, STATE).name = f.name
    memo[f] = v
    return v
  end
end

local function add_counts(into, counts)
  for k, n in pairs(counts) do into[k] = (into[k] or 0) + n end
end


--- The frameworks present (a set of ids): those the rules list
-- (rules/frameworks.lua, a frameworks{} list, may be nil) in its order,
-- then the others by name.
function facts.framework_order(present, frameworks)
  local order, seen = {}, {}
  for _, fw in ipairs(frameworks or {}) do
    if present[fw.id] then order[#order + 1] = fw.id end
    seen[fw.id] = true
  end
  for _, fw in ipairs(sorted(present)) do
    if not seen[fw] then order[#order + 1] = fw end
  end
  return order
end

local function new_family(name)
  return {
    name = name, raw = {}, mappings = {}, frameworks = {}, task_paths = {},
    variant_tasks = {}, tested = {}, tested_anywhere = false, tags = {},
  }
end

local function new_framework()
  return {
    count = 0, status = {}, bringup = {}, reach = {}, run_modes = {}, parallelisms = {},
    task_paths = {}, variant_count = 0, variant_samples = {}, arch_delta = {},
    -- from the tt-forge-models loaders the tests name (empty without a tree)
    sources = {}, groups = {}, source_computed = 0, loader_unknown = 0, loaders = {},
  }
end

--- The one word for the implementation a framework's tests run, from their
-- loaders' ModelInfo sources: the source in lower case ("easydel",
-- "hugging_face", "custom", ...) when all agree, "computed" when the
-- loaders compute it, "unknown" when no loader variant was found, "mixed"
-- for several; nil without a tt-forge-models tree.
function facts.implementation(fw)
  local kinds = {}
  for src, n in pairs(fw.sources) do
    if n > 0 then kinds[#kinds + 1] = src:lower() end
  end
  if fw.source_computed > 0 then kinds[#kinds + 1] = "computed" end
  if fw.loader_unknown > 0 then kinds[#kinds + 1] = "unknown" end
  if #kinds == 0 then return nil end
  return #kinds == 1 and kinds[1] or "mixed"
end

-- A family's ModelGroup: the first of `order` its tests' loaders declare,
-- else the one most of them declare (ties: by name); nil when none does.
local function family_group(groups, order)
  for _, g in ipairs(order or {}) do
    if (groups[g] or 0) > 0 then return g end
  end
  local best, most
  for g, n in pairs(groups) do
    if not most or n > most or (n == most and g < best) then best, most = g, n end
  end
  return best
end

-- The TaskType a test task path stands for: its first component that the
-- rules map (causal_lm/moe -> CAUSAL_LM, phi_3_5_moe/causal_lm -> CAUSAL_LM).
local function task_type(tasks, path)
  if not path then return nil end
  for part in path:gmatch("[^/]+") do
    if tasks[part] then return tasks[part] end
  end
  return nil
end
facts.task_type = task_type

-- The TaskType a variant name states (gpt2's "Sequence_Classification"):
-- one of the words (task path components) in `words`, found as whole words
-- of the variant in lower case with '-', '.', '/' and spaces as '_'.
-- Answers per (tasks, words) table and variant: the same names come back
-- in every revision of a history.
local variant_tasks_seen = setmetatable({}, { __mode = "k" })

local function variant_task(tasks, words, variant)
  if not (words and variant) then return nil end
  local by_words = variant_tasks_seen[words]
  if not by_words then
    by_words = setmetatable({}, { __mode = "k" })
    variant_tasks_seen[words] = by_words
  end
  local seen = by_words[tasks]
  if not seen then
    seen = {}
    by_words[tasks] = seen
  end
  local hit = seen[variant]
  if hit ~= nil then return hit or nil end
  local v = "_" .. variant:lower():gsub("[%-%./%s]", "_") .. "_"
  hit = false
  for _, w in ipairs(words) do
    if v:find("_" .. w .. "_", 1, true) then
      hit = tasks[w]
      break
    end
  end
  seen[variant] = hit or false
  return hit or nil
end
facts.variant_task = variant_task

--- facts.build(ds, {aliases = set, tasks = map, tested = fn(fw) -> bool,
--   groups = {ModelGroup, ...}, variant_tasks = {word, ...} or nil,
--   frameworks = the rules' frameworks{} list or nil})
-- -> {families = {name -> family}, list = sorted families, unmatched = list,
--     modules = {name -> module}, frameworks = ids present in order
--     (facts.framework_order), forge = tree info}
--
-- Tests are aggregated in C per (framework, raw family, task path); only a
-- raw family whose alias rules look at variants is also split by variant.
-- So the Lua work follows the number of families, not of tests or variants.
-- With a tt-forge-models tree the aggregation is per variant, checkpoint
-- and loader instead (alias rules may look at checkpoints, and each
-- framework counts its tests' sources and groups): the work then follows
-- the number of distinct variants.
function facts.build(ds, opts)
  local inventory = ds:modules() -- a table per module: made once
  local set = opts.aliases:bind(inventory)
  local tasks = opts.tasks or {}
  local modules = {}
  for _, m in ipairs(inventory) do modules[m.name] = m end

  local families, unmatched, present = {}, {}, {}
  local cache = set.memo or {} -- kept while the set is bound to the same inventory

  local forge = ds.tt_forge_models and ds:tt_forge_models()

  local function add_group(g, variant, checkpoint)
    local ck = table.concat({ g.family, g.task_path or "", variant or "", checkpoint or "" }, "\0")
    local m = cache[ck]
    if not m then
      m = set:resolve(g.family, g.task_path, variant, 0, checkpoint)
      cache[ck] = m
    end
    if m.rule then m.rule.hits = m.rule.hits + g.count end
    if m.how == "unmatched" and not unmatched[g.family] then
      unmatched[g.family] = { name = g.family, canonical = m.canonical }
    end
    local f = families[m.canonical]
    if not f then
      f = new_family(m.canonical)
      families[m.canonical] = f
    end
    f.raw[g.family] = true
    local mk = g.family .. "\0" .. (m.where or m.how)
    if not f.mappings[mk] then
      f.mappings[mk] = { raw = g.family, where = m.where, reason = m.reason, how = m.how,
        adapter = m.adapter, module = m.module, missing_module = m.missing_module }
    end
    if m.module then f.module = f.module or m.module end
    if m.no_module then f.no_module = true end
    present[g.framework] = true
    local fw = f.frameworks[g.framework]
    if not fw then
      fw = new_framework()
      f.frameworks[g.framework] = fw
    end
    fw.count = fw.count + g.count
    add_counts(fw.status, g.status)
    add_counts(fw.bringup, g.bringup)
    add_counts(fw.reach, g.reach)
    for _, v in ipairs(g.values.run_mode) do fw.run_modes[v] = true end
    for _, v in ipairs(g.values.parallelism) do fw.parallelisms[v] = true end
    if g.task_path then
      fw.task_paths[g.task_path] = true
      f.task_paths[g.task_path] = true
    end
    -- No task in the path: the variant may name one. The group's sample of
    -- variant names may not hold them all; then C lists them (no table per
    -- variant, so this stays cheap on a million tests).
    if opts.variant_tasks and not task_type(tasks, g.task_path) then
      local names = variant and { variant } or g.values.variant
      if not variant and g.distinct.variant > #names then
        names = ds:values("variant", { family = g.family, framework = g.framework,
          task_path = g.task_path or false })
      end
      for _, name in ipairs(names) do
        local tt = variant_task(tasks, opts.variant_tasks, name)
        if tt then f.variant_tasks[tt] = true end
      end
    end
    -- On an arch g lists (one some test of g names, or every arch when some
    -- test of g runs only where named), g counts with its effective
    -- statuses there instead of its summary ones: keep the difference.
    for arch, counts in pairs(g.arch_status) do
      local delta = fw.arch_delta[arch]
      if not delta then
        delta = {}
        fw.arch_delta[arch] = delta
      end
      for st, n in pairs(counts) do delta[st] = (delta[st] or 0) + n end
      for st, n in pairs(g.status) do delta[st] = (delta[st] or 0) - n end
    end
    if forge then
      if g.source then
        fw.sources[g.source] = (fw.sources[g.source] or 0) + g.count
      elseif g.loader then
        fw.source_computed = fw.source_computed + g.count
      else
        fw.loader_unknown = fw.loader_unknown + g.count
      end
      if g.group then fw.groups[g.group] = (fw.groups[g.group] or 0) + g.count end
      local status = {}
      for st, n in pairs(g.status) do status[st] = n end
      fw.loaders[#fw.loaders + 1] = { loader = g.loader, raw_family = g.family,
        task_path = g.task_path, variant = variant, checkpoint = checkpoint, source = g.source,
        group = g.group, count = g.count, status = status }
    end
    local names = variant and { variant } or g.values.variant
    fw.variant_count = fw.variant_count + (variant and 1 or g.distinct.variant)
    if not variant and g.distinct.variant > #names then fw.variants_truncated = true end
    -- "raw family <TAB> variant": sorts and dedups as plain strings.
    local samples = fw.variant_samples
    for _, name in ipairs(names) do samples[#samples + 1] = g.family .. "\t" .. name end
  end

  local split = {}
  -- The group fields add_group reads (no test view per group).
  local fields = { "status", "bringup", "reach", "arch_status" }
  local by_family = forge and {} or ds:group({ "framework", "family", "task_path" },
    -- No limit: ds:group's default number of variant names is kept per
    -- group as a sample (reports show a few and count the rest), which the
    -- loader's standing aggregate holds already (src/model/aggregate.h).
    { collect = { "variant", "run_mode", "parallelism" }, fields = fields })
  if forge then
    for _, g in ipairs(ds:group({ "framework", "family", "task_path", "variant", "checkpoint",
      "loader", "source", "group" }, { collect = { "run_mode", "parallelism" },
      fields = fields })) do
      if g.family ~= nil then
        g.values.variant, g.distinct.variant = {}, 0
        add_group(g, g.variant, g.checkpoint)
      end
    end
  end
  for i, g in ipairs(by_family) do
    -- Each group is garbage once counted: with as many groups as families
    -- (tens of thousands), holding the list to the end doubles the peak.
    by_family[i] = false
    -- An id outside the grammar with no path ("not-an-id") has no family to
    -- count under; the report lists it with the other unparsed ids.
    if g.family ~= nil then
      if set:variant_sensitive(g.family) then
        split[g.family] = split[g.family] or {}
        split[g.family][g.framework .. "\0" .. (g.task_path or "")] = true
      else
        add_group(g, nil)
      end
    end
  end
  for _, raw in ipairs(sorted(split)) do
    local wanted = split[raw] -- the groups of raw not already counted
    for _, g in ipairs(ds:group({ "framework", "family", "task_path", "variant" },
      { filter = { family = raw }, collect = { "run_mode", "parallelism" },
        fields = fields })) do
      if wanted[g.framework .. "\0" .. (g.task_path or "")] then
        g.values.variant, g.distinct.variant = {}, 0
        add_group(g, g.variant)
      end
    end
  end

  for _, f in pairs(families) do
    for _, fw in pairs(f.frameworks) do
      -- Effective statuses per arch: the framework's summary counts, with
      -- the groups that list the arch counted as they run there.
      fw.arch_status = {}
      for arch, delta in pairs(fw.arch_delta) do
        local counts = {}
        for st, n in pairs(fw.status) do counts[st] = n end
        for st, n in pairs(delta) do
          local v = (counts[st] or 0) + n
          counts[st] = v ~= 0 and v or nil
        end
        fw.arch_status[arch] = counts
      end
      fw.arch_delta = nil
      -- Sorted and without repeats (one variant under several task paths).
      table.sort(fw.variant_samples)
      local dedup, last = {}, nil
      for _, v in ipairs(fw.variant_samples) do
        if v ~= last then dedup[#dedup + 1] = v end
        last = v
      end
      fw.variant_samples = dedup
      -- With every group's names at hand each variant counts once; otherwise
      -- the sum of the per-group counts stands.
      if not fw.variants_truncated then fw.variant_count = #dedup end
      fw.tested = opts.tested(facts.strict_framework(fw, f.name)) and true or false
      -- Entries that exist but that the policy does not count as tested.
      fw.listed_not_running = fw.count > 0 and not fw.tested
      fw.implementation = facts.implementation(fw)
      table.sort(fw.loaders, function(a, b)
        if (a.loader or "") ~= (b.loader or "") then return (a.loader or "") < (b.loader or "") end
        if (a.variant or "") ~= (b.variant or "") then return (a.variant or "") < (b.variant or "") end
        return (a.raw_family .. "\0" .. (a.task_path or "")) < (b.raw_family .. "\0" .. (b.task_path or ""))
      end)
    end
  end

  -- EasyDeL modules no listed family maps to are families of their own.
  local used = {}
  for _, f in pairs(families) do
    if f.module then used[f.module] = true end
  end
  for name in pairs(modules) do
    if not used[name] and not families[name] then
      local f = new_family(name)
      f.module = name
      f.easydel_only = true
      families[name] = f
    elseif not used[name] and families[name] and not families[name].no_module then
      -- A listed family of the same name that no rule kept from the module.
      families[name].module = name
    end
  end

  local list = {}
  for _, f in pairs(families) do
    f.raw_names = sorted(f.raw)
    f.raw = nil
    local maps = {}
    for _, mp in pairs(f.mappings) do maps[#maps + 1] = mp end
    -- The mapping of the raw family that bears the canonical name comes
    -- first: it is the one "alias_rule" reports.
    table.sort(maps, function(a, b)
      if (a.raw == f.name) ~= (b.raw == f.name) then return a.raw == f.name end
      if a.raw ~= b.raw then return a.raw < b.raw end
      -- Two mappings of one raw family (rules narrowed by variant or task):
      -- a total order, so the output is the same on every run.
      local aw, bw = a.where or "", b.where or ""
      if aw ~= bw then return aw < bw end
      return a.how < b.how
    end)
    f.mappings = maps
    f.alias = maps[1]
    f.listed = {}
    for _, fwname in ipairs(sorted(f.frameworks)) do
      if f.frameworks[fwname].tested then
        f.tested[fwname] = true
        f.tested_anywhere = true
      elseif f.frameworks[fwname].listed_not_running then
        f.listed[fwname] = true
      end
    end
    local m = f.module and modules[f.module]
    local have, tset = {}, {}
    for _, r in ipairs(m and m.registrations or {}) do
      if r.task then have[r.task] = true end
    end
    f.easydel_tasks = sorted(have)
    f.easydel_type = m and m.type
    local missing = {}
    local stated = {}
    for path in pairs(f.task_paths) do
      local tt = task_type(tasks, path)
      if tt then stated[tt] = true end
    end
    for tt in pairs(f.variant_tasks) do stated[tt] = true end
    f.variant_tasks = nil
    for tt in pairs(stated) do
      if tt then
        tset[tt] = true
        -- An inventory without registrations (a bare list of names) cannot
        -- say which tasks a module lacks.
        if m and #m.registrations > 0 and not have[tt] then missing[tt] = true end
      end
    end
    f.test_tasks = sorted(tset)
    f.missing_tasks = sorted(missing)
    f.task_paths = sorted(f.task_paths)
    f.groups = {}
    for _, fw in pairs(f.frameworks) do
      for g, n in pairs(fw.groups) do f.groups[g] = (f.groups[g] or 0) + n end
    end
    f.group = family_group(f.groups, opts.groups)
    list[#list + 1] = f
  end
  table.sort(list, function(a, b) return a.name < b.name end)

  local unmatched_list = {}
  for _, u in pairs(unmatched) do
    u.suggestions = set:suggest(u.name)
    unmatched_list[#unmatched_list + 1] = u
  end
  table.sort(unmatched_list, function(a, b) return a.name < b.name end)

  return {
    families = families, list = list, unmatched = unmatched_list, modules = modules,
    frameworks = facts.framework_order(present, opts.frameworks), aliases = set, forge = forge,
  }
end

return facts
