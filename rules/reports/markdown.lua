-- The Markdown report, in the order of the hand-made analysis it replaces:
-- executive summary, families EasyDeL implements, families tested without
-- it, EasyDeL families nobody tests, recommendations by phase, conclusion.
-- Every number comes from the report's summary, which counts its lists.
local cov = require "covengine"

local M = {}

local LABEL = { jax = "JAX", torch = "PyTorch", torch_llm = "PyTorch LLM" }
local MAX_VARIANTS = 8

local function cell(s) return (tostring(s):gsub("|", "\\|"):gsub("\n", " ")) end

local function label(fw) return LABEL[fw] or fw end

-- The first few variant names and how many more there are.
local function variants(fe)
  local names = fe.variant_names
  local shown = {}
  for i = 1, math.min(#names, MAX_VARIANTS) do shown[i] = names[i] end
  local rest = math.max(fe.variant_count - #shown, 0)
  if #shown == 0 then return ("%d tests"):format(fe.count) end
  return table.concat(shown, ", ") .. (rest > 0 and (", +%d more"):format(rest) or "")
end

local function statuses(counts)
  local parts = {}
  for _, s in ipairs(cov.statuses) do
    if counts[s] then parts[#parts + 1] = ("%d %s"):format(counts[s], s) end
  end
  return table.concat(parts, ", ")
end

function M.render(r)
  local out = {}
  local function add(fmt, ...) out[#out + 1] = select("#", ...) > 0 and fmt:format(...) or fmt end
  local s = r.summary
  local by_name = {}
  for _, f in ipairs(r.families) do by_name[f.name] = f end

  add("# EasyDeL model coverage\n\n")
  add("Computed by covengine %s from:\n\n", cov.version)
  for _, i in ipairs(r.inputs) do
    add("- `%s` (%s%s, %d entries)\n", i.path, i.kind,
      i.framework ~= cov.json.null and (", " .. i.framework) or "", i.entries)
  end
  add("\nPolicy: %s.\n\n", r.policy)

  add("## Executive summary\n\n")
  for _, fw in ipairs(r.frameworks) do
    if s.families_by_framework[fw] then
      add("- **%s config** (`%s`): %d model families tested\n", label(fw), fw,
        s.families_by_framework[fw])
    end
  end
  add("- **EasyDeL**: %d modules\n", s.easydel_modules)
  add("- **Tested families EasyDeL implements**: %d\n", s.with_easydel)
  add("- **Tested families without an EasyDeL implementation**: %d\n", s.without_easydel)
  add("- **EasyDeL modules no config tests**: %d\n", s.easydel_untested)
  add("- **Raw families matching no EasyDeL name or rule**: %d\n", s.unmatched)
  add("- **Test entries**: %d (%d with ids outside the grammar)\n\n", s.tests, s.unparsed_ids)

  add("## Families with EasyDeL implementations (%d)\n\n", s.with_easydel)
  local head, rule = { "Family" }, { "---" }
  for _, fw in ipairs(r.frameworks) do
    head[#head + 1] = label(fw)
    rule[#rule + 1] = "---"
  end
  for _, h in ipairs { "EasyDeL module", "Phase" } do
    head[#head + 1] = h
    rule[#rule + 1] = "---"
  end
  add("| %s |\n| %s |\n", table.concat(head, " | "), table.concat(rule, " | "))
  for _, name in ipairs(r.with_easydel) do
    local f = by_name[name]
    local row = { ("**%s**"):format(cell(name)) }
    for _, fw in ipairs(r.frameworks) do
      local fe = f.frameworks[fw]
      if fe and fe.tested then
        row[#row + 1] = "✅ " .. cell(variants(fe))
      elseif fe then
        row[#row + 1] = "⛔ excluded"
      else
        row[#row + 1] = "❌"
      end
    end
    local note = #f.missing_tasks > 0 and (" (lacks " .. table.concat(f.missing_tasks, ", ") .. ")") or ""
    row[#row + 1] = "✅ " .. cell(f.easydel) .. cell(note)
    row[#row + 1] = f.phase ~= cov.json.null and tostring(f.phase.number) or "–"
    add("| %s |\n", table.concat(row, " | "))
  end
  add("\n")

  add("## Families tested without an EasyDeL implementation (%d)\n\n", s.without_easydel)
  local groups = {
    { "JAX only", r.without_easydel.jax_only },
    { "PyTorch only", r.without_easydel.pytorch_only },
    { "Both JAX and PyTorch", r.without_easydel.both },
  }
  for _, g in ipairs(groups) do
    add("### %s (%d)\n\n", g[1], #g[2])
    for _, name in ipairs(g[2]) do
      local f = by_name[name]
      local parts = {}
      for _, fw in ipairs(r.frameworks) do
        local fe = f.frameworks[fw]
        if fe and fe.tested then parts[#parts + 1] = ("%s: %s"):format(label(fw), variants(fe)) end
      end
      local why = f.alias_rule ~= cov.json.null and (" (%s)"):format(f.alias_reason) or ""
      add("- **%s**%s: %s\n", name, why, table.concat(parts, "; "))
    end
    add("\n")
  end

  add("## EasyDeL families no config tests (%d)\n\n", s.easydel_untested)
  add("| EasyDeL module | Type |\n|---|---|\n")
  for _, u in ipairs(r.easydel_untested) do
    add("| **%s** | %s |\n", cell(u.module), u.type ~= cov.json.null and cell(u.type) or "")
  end
  add("\n")

  add("## Implementation recommendations\n\n")
  for _, p in ipairs(r.phases) do
    add("### Phase %d: %s (%d)\n\n%s (rule: `%s`).\n\n", p.number, p.name, #p.families,
      p.summary, p.rule)
    for i, name in ipairs(p.families) do
      local f = by_name[name]
      local tested = {}
      for _, fw in ipairs(f.tested_in) do
        tested[#tested + 1] = ("%s %s"):format(label(fw), statuses(f.frameworks[fw].status_counts))
      end
      add("%d. **%s**%s\n", i, name,
        #tested > 0 and (": " .. table.concat(tested, "; ")) or "")
    end
    add("\n")
  end

  add("## Unmatched families (%d)\n\n", s.unmatched)
  if s.unmatched > 0 then
    add("Raw families that no alias rule maps and whose names match no EasyDeL module. ")
    add("Suggestions are close EasyDeL names, never applied: if one is right, add a rule to ")
    add("`rules/aliases.lua`.\n\n")
  end
  local plain = {}
  for _, u in ipairs(r.unmatched) do
    if #u.suggestions > 0 then
      add("- **%s**: did you mean %s?\n", u.name, table.concat(u.suggestions, ", "))
    else
      plain[#plain + 1] = u.name
    end
  end
  if #plain > 0 then
    add("%sNo close EasyDeL name: %s.\n", #plain < s.unmatched and "\n" or "",
      table.concat(plain, ", "))
  end
  add("\n")
  if s.unparsed_ids > 0 then
    add("## Test ids outside the grammar (%d)\n\n", s.unparsed_ids)
    for _, u in ipairs(r.unparsed) do add("- `%s` (%s:%d)\n", u.id, u.file, u.line) end
    add("\n")
  end

  add("## Conclusion\n\n")
  add("- **%d tested families** can use an EasyDeL implementation today", s.with_easydel)
  local first = r.phases[1]
  if first and #first.families > 0 then
    add("; %d of them are already tested in JAX (phase 1: %s)", #first.families,
      table.concat(first.families, ", "))
  end
  add(".\n")
  add("- **%d EasyDeL modules** are not tested by any config yet.\n", s.easydel_untested)
  add("- **%d tested families** have no EasyDeL implementation and stay on their own models.\n",
    s.without_easydel)
  return table.concat(out)
end

return M
