--- The semantic diff of two revisions: two covengine.report/1 tables (base
-- and head, each with its per-test lines, as --format json writes them) in,
-- one covengine.diff/1 table out (docs/schemas/covengine.diff-1.schema.json).
-- The base may come from a base dataset analysed with the head's rules or
-- from a previous JSON report (--baseline); both take this one code path,
-- and the diff formats (rules/reports/diff*.lua) only lay the table out.
--
-- Which status is better than which is policy: the rules give a ranking
-- (rules/diff.lua), best first. A test or family moving up it is a
-- promotion, down it a regression. Every count in `summary` is the length
-- of the list it summarises.
local cov = require "covengine"
local facts = require "covengine.facts"
local gate = require "covengine.gate"

local diff = {}

local null = cov.json.null
local array = cov.json.array

-- The rules' diff table is checked on every run, diff or not, so the check
-- lives in a module of its own that a run without a diff loads alone.
diff.check_rules = require("covengine.diff_rules").check_rules

-- status -> position in the ranking (1 is best).
local function ranks(ranking)
  local r = {}
  for i, s in ipairs(ranking) do r[s] = i end
  return r
end

local function is_null(v) return v == nil or v == null end

local function sorted_keys(set)
  local list = array {}
  for k in pairs(set) do list[#list + 1] = k end
  table.sort(list)
  return list
end

--- Checks that a report table can be diffed: covengine.report/1 with a
-- per-test line list in every framework entry, every status one the
-- ranking knows. Returns true, or nil and a message.
function diff.check_report(r, ranking)
  if type(r) ~= "table" or r.schema ~= "covengine.report/1" then
    return nil, "is not a covengine.report/1 report"
  end
  if type(r.families) ~= "table" or type(r.summary) ~= "table" then
    return nil, "has no families or summary"
  end
  local rank = ranks(ranking)
  for _, f in ipairs(r.families) do
    if type(f) ~= "table" or type(f.name) ~= "string" or type(f.frameworks) ~= "table" then
      return nil, "has a family without a name or frameworks"
    end
    for fw, fe in pairs(f.frameworks) do
      if type(fe.variants) ~= "table" then
        return nil, ("has no per-test lines (family %s, %s): write it with --format json")
          :format(f.name, fw)
      end
      for _, v in ipairs(fe.variants) do
        if type(v.id) ~= "string" or not rank[v.status] then
          return nil, ("has a test line without an id or with an unknown status (%s)")
            :format(tostring(v.id))
        end
      end
    end
  end
  return true
end

--- The status a report's test line has on arch a, or nil where it does not
-- run: its arch_status entry (null: not run there), else its status on
-- every other arch (status_elsewhere; null: it runs only where named). A
-- line from a report that predates status_elsewhere has its status there.
function diff.status_on(v, a)
  local named = not is_null(v.arch_status) and v.arch_status[a]
  if named ~= nil and named ~= false then return not is_null(named) and named or nil end
  if v.status_elsewhere == nil then return v.status end
  return not is_null(v.status_elsewhere) and v.status_elsewhere or nil
end

-- Every test of a report: key "framework \0 id" -> {fw, family, line}. An id
-- repeated within a framework (a duplicate across files) counts once, as
-- its first occurrence.
local function index_tests(r)
  local idx = {}
  for _, f in ipairs(r.families) do
    for fw, fe in pairs(f.frameworks) do
      for _, v in ipairs(fe.variants) do
        local k = fw .. "\0" .. v.id
        if not idx[k] then idx[k] = { fw = fw, family = f.name, v = v } end
      end
    end
  end
  return idx
end

-- The best status with a non-zero count, by the ranking.
local function best_status(counts, ranking)
  for _, s in ipairs(ranking) do
    if (counts[s] or 0) > 0 then return s end
  end
  return nil
end

local function tested_modules(r)
  local set = {}
  for _, f in ipairs(r.families) do
    local tested = false
    for _, fe in pairs(f.frameworks) do tested = tested or fe.tested == true end
    if tested and not is_null(f.easydel) then set[f.easydel] = true end
  end
  return set
end

local function by_name(r)
  local m = {}
  for _, f in ipairs(r.families) do m[f.name] = f end
  return m
end

local function phase_of(f)
  if not f or is_null(f.phase) then return null end
  return { number = f.phase.number, name = f.phase.name }
end

local SUMMARY_KEYS = { "tests", "families", "easydel_modules", "with_easydel", "without_easydel",
  "easydel_untested", "unmatched", "unparsed_ids" }

--- diff.compare(base, head, opts) -> covengine.diff/1 table.
-- opts: ranking (list, best first), test_key (function(id) -> key that
-- pairs renamed ids, or nil), figure (the rules' gate figure, or nil),
-- base_info ({kind = "dataset"|"baseline", path, easydel_from}).
function diff.compare(base, head, opts)
  local ranking = opts.ranking
  local rank = ranks(ranking)
  local present = {}
  for _, r in ipairs { base, head } do
    for _, f in ipairs(r.families) do
      for fw in pairs(f.frameworks) do present[fw] = true end
    end
    for _, fw in ipairs(r.frameworks or {}) do present[fw] = true end
  end
  local fws = facts.framework_order(present, opts.frameworks)
  local fw_pos = {}
  for i, fw in ipairs(fws) do fw_pos[fw] = i end
  local function by_test(a, b)
    if a.framework ~= b.framework then return fw_pos[a.framework] < fw_pos[b.framework] end
    if a.id ~= b.id then return a.id < b.id end
    return (a.arch or "") < (b.arch or "")
  end
  local function direction(from, to)
    if rank[to] < rank[from] then return "promoted" end
    if rank[to] > rank[from] then return "regressed" end
    return nil
  end

  -- Tests: paired by (framework, id); then, among the tests left on both
  -- sides, by (framework, test_key(id)) where that key names exactly one
  -- test on each side (a renamed id). The rest are added or removed.
  local bt, ht = index_tests(base), index_tests(head)
  local pairs_list = {}
  for k, h in pairs(ht) do
    if bt[k] then pairs_list[#pairs_list + 1] = { bt[k], h } end
  end
  if opts.test_key then
    local bk, hk = {}, {}
    local function bucket(into, idx, other)
      for k, t in pairs(idx) do
        if not other[k] then
          local key = t.fw .. "\0" .. opts.test_key(t.v.id)
          into[key] = into[key] or {}
          table.insert(into[key], k)
        end
      end
    end
    bucket(bk, bt, ht)
    bucket(hk, ht, bt)
    for key, hs in pairs(hk) do
      local bs = bk[key]
      if bs and #bs == 1 and #hs == 1 then
        pairs_list[#pairs_list + 1] = { bt[bs[1]], ht[hs[1]] }
        bt[bs[1]].paired, ht[hs[1]].paired = true, true
      end
    end
  end
  local tests = { added = array {}, removed = array {}, promoted = array {}, regressed = array {},
    renamed = array {} }
  local arches = { promoted = array {}, regressed = array {} }
  local function line(t, extra)
    local e = { id = t.v.id, framework = t.fw, family = t.family, status = t.v.status,
      file = t.v.file, line = t.v.line }
    for k, v in pairs(extra or {}) do e[k] = v end
    return e
  end
  for _, p in ipairs(pairs_list) do
    local b, h = p[1], p[2]
    b.paired, h.paired = true, true
    local renamed = b.v.id ~= h.v.id and { base_id = b.v.id } or nil
    if renamed then table.insert(tests.renamed, line(h, renamed)) end
    local dir = direction(b.v.status, h.v.status)
    if dir then
      table.insert(tests[dir], line(h, { from = b.v.status, to = h.v.status,
        base_id = renamed and b.v.id }))
    end
    -- The effective status on every arch either side names, where the
    -- test runs on both sides (an arch dropped or added is no transition).
    local names = {}
    for _, v in ipairs { b.v, h.v } do
      if not is_null(v.arch_status) then
        for a in pairs(v.arch_status) do names[a] = true end
      end
    end
    for _, a in ipairs(sorted_keys(names)) do
      local from, to = diff.status_on(b.v, a), diff.status_on(h.v, a)
      local adir = from and to and rank[from] and rank[to] and direction(from, to)
      if adir then
        table.insert(arches[adir], line(h, { arch = a, from = from, to = to,
          base_id = renamed and b.v.id }))
      end
    end
  end
  for _, h in pairs(ht) do
    if not h.paired then table.insert(tests.added, line(h)) end
  end
  for _, b in pairs(bt) do
    if not b.paired then table.insert(tests.removed, line(b)) end
  end
  for _, list in pairs(tests) do table.sort(list, by_test) end
  for _, list in pairs(arches) do table.sort(list, by_test) end

  -- Families: gained and lost per framework, best-status transitions.
  local bf, hf = by_name(base), by_name(head)
  local gained, lost = {}, {}
  for _, fw in ipairs(fws) do
    local g, l = {}, {}
    for name, f in pairs(hf) do
      local fe, be = f.frameworks[fw], bf[name] and bf[name].frameworks[fw]
      if fe and fe.tested == true and not (be and be.tested == true) then g[name] = true end
    end
    for name, f in pairs(bf) do
      local be, fe = f.frameworks[fw], hf[name] and hf[name].frameworks[fw]
      if be and be.tested == true and not (fe and fe.tested == true) then l[name] = true end
    end
    gained[fw], lost[fw] = sorted_keys(g), sorted_keys(l)
  end
  local families = { gained = gained, lost = lost, promoted = array {}, regressed = array {} }
  for _, name in ipairs(sorted_keys(hf)) do
    local b = bf[name]
    for _, fw in ipairs(fws) do
      local fe, be = hf[name].frameworks[fw], b and b.frameworks[fw]
      if fe and be then
        local from, to = best_status(be.status_counts, ranking), best_status(fe.status_counts, ranking)
        local dir = from and to and direction(from, to)
        if dir then
          table.insert(families[dir], { family = name, framework = fw, from = from, to = to,
            base_counts = be.status_counts, head_counts = fe.status_counts })
        end
      end
    end
  end

  -- EasyDeL modules some tested family maps to, before and after.
  local bm, hm = tested_modules(base), tested_modules(head)
  local newly, no_longer = {}, {}
  for m in pairs(hm) do if not bm[m] then newly[m] = true end end
  for m in pairs(bm) do if not hm[m] then no_longer[m] = true end end
  local modules = { newly_tested = sorted_keys(newly), no_longer_tested = sorted_keys(no_longer) }

  -- Phases: every family whose phase (by name) differs.
  local all = {}
  for name in pairs(bf) do all[name] = true end
  for name in pairs(hf) do all[name] = true end
  local phase_changes = array {}
  for _, name in ipairs(sorted_keys(all)) do
    local from, to = phase_of(bf[name]), phase_of(hf[name])
    local fname = from ~= null and from.name or nil
    local tname = to ~= null and to.name or nil
    if fname ~= tname then
      phase_changes[#phase_changes + 1] = { family = name, from = from, to = to }
    end
  end

  -- Implementations: families whose JAX tests' loaders moved to EasyDeL
  -- (switched) or away from it (left). Known only where both reports come
  -- from a run with a tt-forge-models tree.
  local function on_easydel(f)
    local jax = f and f.frameworks and f.frameworks.jax
    if not jax or type(jax.sources) ~= "table" then return false, jax end
    return (jax.sources.EASYDEL or 0) > 0, jax
  end
  local known = not is_null(base.tt_forge_models) and not is_null(head.tt_forge_models)
  local switched, left, new_on = array {}, array {}, array {}
  for _, name in ipairs(known and sorted_keys(all) or {}) do
    local was, bj = on_easydel(bf[name])
    local now, hj = on_easydel(hf[name])
    local function impl(j) return j and not is_null(j.implementation) and j.implementation or null end
    if now ~= was and (now and hj or was and bj) then
      local entry = { family = name, from = impl(bj), to = impl(hj),
        easydel_tests_base = bj and bj.sources and bj.sources.EASYDEL or 0,
        easydel_tests_head = hj and hj.sources and hj.sources.EASYDEL or 0 }
      -- JAX tests new in the head that run EasyDeL did not switch from anything.
      table.insert(now and (bj and switched or new_on) or left, entry)
    end
  end

  -- The figures before and after.
  local figures = { summary = {}, families_by_framework = {}, gate = null }
  for _, k in ipairs(SUMMARY_KEYS) do
    figures.summary[k] = { base = base.summary[k] or 0, head = head.summary[k] or 0 }
  end
  local bfw, hfw = base.summary.families_by_framework or {}, head.summary.families_by_framework or {}
  for _, fw in ipairs(fws) do
    figures.families_by_framework[fw] = { base = bfw[fw] or 0, head = hfw[fw] or 0 }
  end
  if opts.figure then
    local bp, bc, bn = gate.value(opts.figure, base.summary)
    local hp, hc, hn = gate.value(opts.figure, head.summary)
    figures.gate = { name = opts.figure.name, text = opts.figure.text,
      base = bp, head = hp, base_display = gate.display(bp), head_display = gate.display(hp),
      base_covered = bc, base_total = bn, head_covered = hc, head_total = hn }
  end

  local info = opts.base_info or {}
  local function count_by_fw(lists)
    local t = {}
    for _, fw in ipairs(fws) do t[fw] = #lists[fw] end
    return t
  end
  return {
    schema = "covengine.diff/1",
    policy = head.policy,
    ranking = array { table.unpack(ranking) },
    frameworks = array { table.unpack(fws) },
    base = { kind = info.kind or "dataset", path = info.path or null,
      easydel_from = info.easydel_from or "base", policy = base.policy or null,
      inputs = base.inputs or array {}, easydel = base.easydel or null },
    head = { inputs = head.inputs or array {}, easydel = head.easydel or null },
    families = families,
    modules = modules,
    tests = tests,
    arches = arches,
    phases = { changed = phase_changes },
    implementations = { known = known, switched_to_easydel = switched, left_easydel = left,
      new_on_easydel = new_on },
    figures = figures,
    summary = {
      families_gained = count_by_fw(gained),
      families_lost = count_by_fw(lost),
      families_promoted = #families.promoted,
      families_regressed = #families.regressed,
      modules_newly_tested = #modules.newly_tested,
      modules_no_longer_tested = #modules.no_longer_tested,
      tests_added = #tests.added,
      tests_removed = #tests.removed,
      tests_promoted = #tests.promoted,
      tests_regressed = #tests.regressed,
      tests_renamed = #tests.renamed,
      arch_promoted = #arches.promoted,
      arch_regressed = #arches.regressed,
      phase_changes = #phase_changes,
      switched_to_easydel = #switched,
      left_easydel = #left,
      new_on_easydel = #new_on,
    },
  }
end

return diff
