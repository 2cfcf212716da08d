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
    task_paths = {}, variants = {}, variant_index = {}, arch_groups = {},
  }
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

--- facts.build(ds, {aliases = set, tasks = map, tested = fn(fw) -> bool})
-- -> {families = {name -> family}, list = sorted families, unmatched = list,
--     modules = {name -> module}, frameworks = ordered list}
function facts.build(ds, opts)
  local set = opts.aliases:bind(ds:modules())
  local tasks = opts.tasks or {}
  local modules = {}
  for _, m in ipairs(ds:modules()) do modules[m.name] = m end

  local families, unmatched, present = {}, {}, {}
  local cache = {}
  local keys = { "framework", "family", "task_path", "variant", "run_mode", "parallelism" }
  for _, g in ipairs(ds:group(keys)) do
    local ck = table.concat({ g.family, g.task_path or "", g.variant or "" }, "\0")
    local m = cache[ck]
    if not m then
      m = set:resolve(g.family, g.task_path, g.variant, 0)
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
    if g.run_mode then fw.run_modes[g.run_mode] = true end
    if g.parallelism then fw.parallelisms[g.parallelism] = true end
    if g.task_path then
      fw.task_paths[g.task_path] = true
      f.task_paths[g.task_path] = true
    end
    fw.arch_groups[#fw.arch_groups + 1] = g
    local vk = table.concat({ g.family, g.task_path or "", g.variant or "" }, "\0")
    local v = fw.variant_index[vk]
    if not v then
      v = { name = g.variant, raw_family = g.family, task_path = g.task_path, count = 0,
        status = {}, bringup = {}, first = g.first }
      fw.variant_index[vk] = v
      fw.variants[#fw.variants + 1] = v
    end
    v.count = v.count + g.count
    add_counts(v.status, g.status)
    add_counts(v.bringup, g.bringup)
  end

  -- Per-arch effective statuses: on an arch some test overrides, every
  -- other test of the framework counts with its own status.
  for _, f in pairs(families) do
    for _, fw in pairs(f.frameworks) do
      local arches = {}
      for _, g in ipairs(fw.arch_groups) do
        for arch in pairs(g.arch_status) do arches[arch] = true end
      end
      fw.arch_status = {}
      for arch in pairs(arches) do
        local counts = {}
        for _, g in ipairs(fw.arch_groups) do add_counts(counts, g.arch_status[arch] or g.status) end
        fw.arch_status[arch] = counts
      end
      fw.arch_groups, fw.variant_index = nil, nil
      fw.tested = opts.tested(fw) and true or false
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
      return a.raw < b.raw
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
    frameworks = facts.framework_order(present), aliases = set,
  }
end

return facts
