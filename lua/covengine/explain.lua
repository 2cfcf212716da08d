--- covengine --explain NAME: why a raw or canonical family is where it is,
-- from the same facts the report uses.
local cov = require "covengine"

local explain = {}

local function status_line(counts)
  local parts = {}
  for _, s in ipairs(cov.statuses) do
    if counts[s] then parts[#parts + 1] = ("%s %d"):format(s, counts[s]) end
  end
  return table.concat(parts, ", ")
end

local function family_text(out, f, e, canonical_of)
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
  if f.phase then
    add("- Phase %d, %s: %s (rule at %s)\n", f.phase.number, f.phase.name, f.phase.summary,
      f.phase.rule)
  else
    add("- Phase: none (no phase rule applies)\n")
  end
  local lines = {}
  for _, raw in ipairs(f.raw_names) do
    for t in cov.tests { family = raw } do
      if canonical_of(t.family, t.task_path, t.variant) == f.name then
        lines[#lines + 1] = ("  - `%s` %s:%d %s%s\n"):format(t.id, t.file, t.line, t.status,
          t.bringup_status and (" / " .. t.bringup_status) or "")
      end
    end
  end
  add("- Tests: %d\n", #lines)
  out[#out + 1] = table.concat(lines)
  for fwname, fw in pairs(f.frameworks) do
    for arch, counts in pairs(fw.arch_status) do
      add("- On %s in %s: %s\n", arch, fwname, status_line(counts))
    end
  end
  add("\n")
end

--- Returns Markdown explaining `name`, a raw or canonical family name.
function explain.explain(name, data, fx, canonical_of)
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
    local sugg = fx.aliases:suggest(name)
    cov.abort(("--explain: no family '%s' in the loaded data%s"):format(name,
      #sugg > 0 and (" (close EasyDeL names: " .. table.concat(sugg, ", ") .. ")") or ""))
  end
  local out = { ("# Why `%s` is where it is\n\n"):format(name) }
  for _, f in ipairs(found) do family_text(out, f, data, canonical_of) end
  return table.concat(out)
end

return explain
