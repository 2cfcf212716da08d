--- Family facts: the loaded tests aggregated per canonical family and
-- framework, after aliasing. Built from ds:group (one pass in C) and the
-- alias set, so the cost follows the number of distinct families and
-- variants, not the number of tests.
local facts = {}

facts.FRAMEWORKS = { "jax", "torch", "torch_llm" }

local function add_counts(into, counts)
  for k, n in pairs(counts) do into[k] = (into[k] or 0) + n end
end

local function sorted(set)
  local list = {}
  for k in pairs(set) do list[#list + 1] = k end
  table.sort(list)
  return list
end
facts.sorted = sorted

--- The frameworks present, known ones first in their usual order.
function facts.framework_order(present)
  local order, seen = {}, {}
  for _, fw in ipairs(facts.FRAMEWORKS) do
    if present[fw] then order[#order + 1] = fw end
    seen[fw] = true
  end
  for _, fw in ipairs(sorted(present)) do
    if not seen[fw] then order[#order + 1] = fw end
  end
  return order
end

local function new_family(name)
  return {
    name = name, raw = {}, mappings = {}, frameworks = {}, task_paths = {},
    tested = {}, tested_anywhere = false, tags = {},
  }
end

local function new_framework()
  return {
    count = 0, status = {}, bringup = {}, run_modes = {}, parallelisms = {},
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

-- Variant names kept per group as a sample (reports show a few and count
-- the rest).
local VARIANT_SAMPLE = 16

--- facts.build(ds, {aliases = set, tasks = map, tested = fn(fw) -> bool,
--   groups = {ModelGroup, ...}})
-- -> {families = {name -> family}, list = sorted families, unmatched = list,
--     modules = {name -> module}, frameworks = ordered list, forge = tree info}
--
-- Tests are aggregated in C per (framework, raw family, task path); only a
-- raw family whose alias rules look at variants is also split by variant.
-- So the Lua work follows the number of families, not of tests or variants.
-- With a tt-forge-models tree the aggregation is per variant, checkpoint
-- and loader instead (alias rules may look at checkpoints, and each
-- framework counts its tests' sources and groups): the work then follows
-- the number of distinct variants.
function facts.build(ds, opts)
  local set = opts.aliases:bind(ds:modules())
  local tasks = opts.tasks or {}
  local modules = {}
  for _, m in ipairs(ds:modules()) do modules[m.name] = m end

  local families, unmatched, present = {}, {}, {}
  local cache = {}

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
    for _, v in ipairs(g.values.run_mode) do fw.run_modes[v] = true end
    for _, v in ipairs(g.values.parallelism) do fw.parallelisms[v] = true end
    if g.task_path then
      fw.task_paths[g.task_path] = true
      f.task_paths[g.task_path] = true
    end
    -- On an arch some test of g overrides, g counts with its effective
    -- statuses instead of its own: keep the difference per arch.
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
  local by_family = forge and {} or ds:group({ "framework", "family", "task_path" },
    { collect = { "variant", "run_mode", "parallelism" }, limit = VARIANT_SAMPLE })
  if forge then
    for _, g in ipairs(ds:group({ "framework", "family", "task_path", "variant", "checkpoint",
      "loader", "source", "group" }, { collect = { "run_mode", "parallelism" } })) do
      if g.family ~= nil then
        g.values.variant, g.distinct.variant = {}, 0
        add_group(g, g.variant, g.checkpoint)
      end
    end
  end
  for _, g in ipairs(by_family) do
    -- An id outside the grammar with no path ("not-an-id") has no family to
    -- count under; the report lists it with the other unparsed ids.
    if g.family ~= nil then
      if set:variant_sensitive(g.family) then
        split[g.family] = true
      else
        add_group(g, nil)
      end
    end
  end
  for _, raw in ipairs(sorted(split)) do
    for _, g in ipairs(ds:group({ "framework", "family", "task_path", "variant" },
      { filter = { family = raw }, collect = { "run_mode", "parallelism" } })) do
      g.values.variant, g.distinct.variant = {}, 0
      add_group(g, g.variant)
    end
  end

  for _, f in pairs(families) do
    for _, fw in pairs(f.frameworks) do
      -- Effective statuses per arch: the framework's own, with the groups
      -- that override the arch counted as they run there.
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
      fw.tested = opts.tested(fw) and true or false
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
      return (a.where or a.how) < (b.where or b.how) -- one raw family, several rules
    end)
    f.mappings = maps
    f.alias = maps[1]
    for _, fwname in ipairs(sorted(f.frameworks)) do
      if f.frameworks[fwname].tested then
        f.tested[fwname] = true
        f.tested_anywhere = true
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
    for path in pairs(f.task_paths) do
      local tt = task_type(tasks, path)
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
    frameworks = facts.framework_order(present), aliases = set, forge = forge,
  }
end

return facts
