--- covengine --explain NAME: why a raw or canonical family is where it is,
-- from the same facts the report uses.
local cov = require "covengine"
local facts = require "covengine.facts"

local explain = {}

local function status_line(counts)
  local parts = {}
  for _, s in ipairs(cov.statuses) do
    if counts[s] then parts[#parts + 1] = ("%s %d"):format(s, counts[s]) end
  end
  return table.concat(parts, ", ")
end

local sorted_keys -- below

local function fx_frameworks(f) return sorted_keys(f.frameworks) end

local function family_text(out, f, e, fx, canonical_of)
  local function add(fmt, ...) out[#out + 1] = fmt:format(...) end
  add("## %s\n\n", f.name)
  add("- Raw families: %s\n", table.concat(f.raw_names, ", "))
  for _, mp in ipairs(f.mappings) do
    add("- Alias for `%s`: %s (%s)\n", mp.raw, mp.where or ("no rule: " .. mp.how), mp.reason)
  end
  if f.module then
    add("- EasyDeL module: %s; TaskTypes: %s\n", f.module,
      #f.easydel_tasks > 0 and table.concat(f.easydel_tasks, ", ") or "none listed")
    if #f.missing_tasks > 0 then
      add("- EasyDeL has the family but not these tested tasks: %s\n",
        table.concat(f.missing_tasks, ", "))
    end
  elseif f.no_module then
    add("- EasyDeL module: none (an alias rule says EasyDeL has no implementation)\n")
  else
    add("- EasyDeL module: none found\n")
  end
  local tested = {}
  for fw in pairs(f.tested) do tested[#tested + 1] = fw end
  table.sort(tested)
  add("- Tested in: %s (%s)\n", #tested > 0 and table.concat(tested, ", ") or "no framework",
    e.policy)
  local listed = facts.sorted(f.listed or {})
  if #listed > 0 then
    add("- Listed, not running, in: %s (no entry there runs)\n", table.concat(listed, ", "))
  end
  if f.phase then
    add("- Phase %d, %s: %s (rule at %s)\n", f.phase.number, f.phase.name, f.phase.summary,
      f.phase.rule)
  else
    add("- Phase: none (no phase rule applies)\n")
  end
  local lines = {}
  for _, raw in ipairs(f.raw_names) do
    for t in cov.tests { family = raw } do
      local ld = t.loader
      if canonical_of(t.family, t.task_path, t.variant, ld and ld.checkpoint) == f.name then
        lines[#lines + 1] = ("  - `%s` %s:%d %s%s%s%s\n"):format(t.id, t.file, t.line, t.status,
          t.bringup_status and (" / " .. t.bringup_status) or "", explain.arches(t),
          ld and (" (loader %s:%d, %s%s)"):format(ld.file, ld.line, ld.source or "source computed",
            ld.checkpoint and (", " .. ld.checkpoint) or "") or "")
      end
    end
  end
  if f.group then add("- ModelGroup: %s\n", f.group) end
  for _, fwname in ipairs(fx_frameworks(f)) do
    local fw = f.frameworks[fwname]
    if fw.implementation then
      local parts = {}
      for _, src in ipairs(sorted_keys(fw.sources)) do
        parts[#parts + 1] = ("%s %d"):format(src, fw.sources[src])
      end
      if fw.source_computed > 0 then parts[#parts + 1] = ("computed %d"):format(fw.source_computed) end
      if fw.loader_unknown > 0 then parts[#parts + 1] = ("no loader %d"):format(fw.loader_unknown) end
      add("- Implementation in %s: %s (%s)%s\n", fwname, fw.implementation,
        table.concat(parts, ", "), fw.listed_not_running and "; listed, not running" or "")
    end
  end
  add("- Tests: %d\n", #lines)
  out[#out + 1] = table.concat(lines)
  -- In the run's framework order (fx.frameworks has every framework of f),
  -- arches sorted: pairs() order changes from run to run.
  for _, fwname in ipairs(fx.frameworks) do
    local fw = f.frameworks[fwname]
    for _, arch in ipairs(fw and facts.sorted(fw.arch_status) or {}) do
      local line = status_line(fw.arch_status[arch])
      add("- On %s in %s: %s\n", arch, fwname, line ~= "" and line or "no test runs there")
    end
  end
  add("\n")
end

--- Where a test's status depends on the arch: " (n150 KNOWN_FAILURE_XFAIL,
-- p150 EXPECTED_PASSING; not run elsewhere)", or "" when it does not.
function explain.arches(t)
  local named = t.arch_status
  local names = facts.sorted(named)
  if #names == 0 then return "" end
  local parts = {}
  for _, a in ipairs(names) do
    parts[#parts + 1] = ("%s %s"):format(a, named[a] or "not run")
  end
  local other = t.status_elsewhere
  return (" (%s; %s)"):format(table.concat(parts, ", "),
    other and ("elsewhere " .. other) or "not run elsewhere")
end

-- The families `name` (raw or canonical) stands for, or a stop naming the
-- closest family names and EasyDeL names.
local function lookup(name, fx)
  local found = {}
  if fx.families[name] then found[#found + 1] = fx.families[name] end
  for _, f in ipairs(fx.list) do
    if f.name ~= name then
      for _, raw in ipairs(f.raw_names) do
        if raw == name then found[#found + 1] = f end
      end
    end
  end
  if #found == 0 then
    local names, seen = {}, {}
    for _, f in ipairs(fx.list) do
      for _, n in ipairs { f.name, table.unpack(f.raw_names) } do
        if not seen[n] then
          seen[n] = true
          names[#names + 1] = n
        end
      end
    end
    table.sort(names)
    local hint = require("covengine.report").closest(name, names)
    local sugg = fx.aliases:suggest(name)
    cov.abort(("--explain: no family '%s' in the loaded data%s%s"):format(name,
      hint and ("; did you mean '" .. hint .. "'?") or "",
      #sugg > 0 and (" (close EasyDeL names: " .. table.concat(sugg, ", ") .. ")") or ""))
  end
  return found
end

--- Returns Markdown explaining `name`, a raw or canonical family name.
function explain.explain(name, data, fx, canonical_of)
  local found = lookup(name, fx)
  local out = { ("# Why `%s` is where it is\n\n"):format(name) }
  for _, f in ipairs(found) do family_text(out, f, data, fx, canonical_of) end
  return table.concat(out)
end

function sorted_keys(t)
  local out = {}
  for k in pairs(t) do out[#out + 1] = k end
  table.sort(out)
  return out
end

--- The same explanation as a table for --format json (schema
-- "covengine.explain/1"): per family its raw names, alias rules, EasyDeL
-- module and tasks, frameworks tested in, phase, tests and per-arch counts.
function explain.data(name, data, fx, canonical_of)
  local array, null = cov.json.array, cov.json.null
  local out = { schema = "covengine.explain/1", name = name, policy = data.policy,
    families = array {} }
  for _, f in ipairs(lookup(name, fx)) do
    local e = { name = f.name, raw_names = array(f.raw_names), easydel = f.module or null,
      no_module = f.no_module and true or false, easydel_tasks = array(f.easydel_tasks),
      missing_tasks = array(f.missing_tasks), tested_in = array(sorted_keys(f.tested)),
      listed_in = array(sorted_keys(f.listed or {})),
      aliases = array {}, tests = array {}, arch_status = {},
      phase = f.phase and { number = f.phase.number, name = f.phase.name,
        summary = f.phase.summary, rule = f.phase.rule } or null }
    for _, mp in ipairs(f.mappings) do
      e.aliases[#e.aliases + 1] = { raw = mp.raw, rule = mp.where or null, how = mp.how,
        reason = mp.reason }
    end
    for _, raw in ipairs(f.raw_names) do
      for t in cov.tests { family = raw } do
        if canonical_of(t.family, t.task_path, t.variant) == f.name then
          local arch = {}
          for a, st in pairs(t.arch_status) do arch[a] = st or null end
          e.tests[#e.tests + 1] = { id = t.id, file = t.file, line = t.line,
            framework = t.framework, status = t.status, entry_status = t.entry_status,
            arch_status = arch, status_elsewhere = t.status_elsewhere or null,
            bringup_status = t.bringup_status or null }
        end
      end
    end
    for fwname, fw in pairs(f.frameworks) do
      if next(fw.arch_status) then e.arch_status[fwname] = fw.arch_status end
    end
    out.families[#out.families + 1] = e
  end
  return out
end

return explain
