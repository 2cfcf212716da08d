-- The Markdown report, in the order of the hand-made analysis it replaces:
-- executive summary, families EasyDeL implements, families tested without
-- it, EasyDeL families nobody tests, recommendations by phase, conclusion.
-- Every number comes from the report's summary, which counts its lists.
local cov = require "covengine"
local md = require "covengine.md"

local M = {}

local R = require "covengine.rules"
local frameworks = require "frameworks"
local MAX_VARIANTS = 8

local cell = md.cell

local function label(fw) return R.label_of(frameworks, fw) end

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

local function null(v) return v == nil or v == cov.json.null end

-- " [easydel]": the implementation a framework's tests run, when known.
local function impl(fe)
  return null(fe.implementation) and "" or (" [%s]"):format(fe.implementation)
end

function M.render(r, ctx)
  local out = {}
  local function add(fmt, ...) out[#out + 1] = select("#", ...) > 0 and fmt:format(...) or fmt end
  local s = r.summary
  local by_name = {}
  for _, f in ipairs(r.families) do by_name[f.name] = f end
  local on_easydel = {}
  for _, o in ipairs(r.on_easydel or {}) do on_easydel[o.family] = o end

  local roots = md.roots(r.inputs)
  local function rel(path) return md.relative(path, roots) end
  add("# EasyDeL model coverage\n\n")
  add("Computed by covengine %s from:\n\n", cov.version)
  local found = not null(r.tt_forge_models) and r.tt_forge_models.found_in_tt_xla
  local inputs = {}
  for _, i in ipairs(r.inputs) do
    if i.kind == "tt_forge_models" then
      inputs[#inputs + 1] = ("- `%s` (tt-forge-models, %d loaders%s)\n"):format(
        md.escape_controls(i.path), i.entries, found and ", found in the tt-xla checkout" or "")
    else
      local path = (i.kind == "test_config" or i.kind == "placeholders") and rel(i.path)
        or md.escape_controls(i.path)
      inputs[#inputs + 1] = ("- `%s` (%s%s, %d entries)\n"):format(path, i.kind,
        i.framework ~= cov.json.null and (", " .. i.framework) or "", i.entries)
    end
  end
  add(md.fold(#inputs, ("%d input files"):format(#inputs), table.concat(inputs)))
  add("\n%s", md.roots_note(roots))
  add("Policy: %s.\n\n", r.policy)
  for _, n in ipairs(r.notes or {}) do add("Note: %s.\n\n", n) end

  add("## Executive summary\n\n")
  -- The headline first, as coverage.py's TOTAL row: the figure the gates judge.
  local fig = r.figure
  if not null(fig) then
    add("- **%s: %s%%** %s (%d of %d)\n", fig.name, fig.display, fig.text, fig.covered, fig.total)
  elseif r.easydel == cov.json.null then
    add("- **coverage: not judged**: no EasyDeL inventory loaded\n")
  end
  for _, fw in ipairs(r.frameworks) do
    if s.families_by_framework[fw] then
      add("- **%s config** (`%s`): %d model families tested\n", label(fw), fw,
        s.families_by_framework[fw])
    end
  end
  if r.easydel == cov.json.null then
    add("- **EasyDeL**: no inventory loaded (give `--easydel PATH`): no family can be matched "
      .. "to an EasyDeL module, so none is listed as implemented\n")
  else
    add("- **EasyDeL**: %d modules\n", s.easydel_modules)
  end
  add("- **Tested families EasyDeL implements**: %d\n", s.with_easydel)
  add("- **Tested families without an EasyDeL implementation**: %d\n", s.without_easydel)
  add("- **EasyDeL modules no config tests**: %d\n", s.easydel_untested)
  add("- **Raw families matching no EasyDeL name or rule**: %d\n", s.unmatched)
  add("- **Families listed, not running** (every entry of a framework skipped or excluded): %d\n",
    s.listed_not_running)
  add("- **Test entries**: %d (%d with ids outside the grammar", s.tests, s.unparsed_ids)
  if s.duplicate_ids > 0 then
    add("; %d id%s in two files counted once, as tt-xla reads them", s.duplicate_ids,
      s.duplicate_ids == 1 and "" or "s")
  end
  add(")\n")
  if not null(r.tt_forge_models) then
    add("- **Families whose JAX tests already run EasyDeL**: %d\n", s.on_easydel)
    add("- **EasyDeL integration started, no test**: %d loaders\n", s.integration_started)
    add("- **Loader variants no config lists**: %d\n", s.unlisted_variants)
    add("- **Test ids naming no tt-forge-models loader variant**: %d\n", s.unknown_ids)
  end
  add("- **Planned models (placeholders)**: %d\n\n", s.planned)

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
  local tbl = { ("| %s |\n| %s |\n"):format(table.concat(head, " | "), table.concat(rule, " | ")) }
  for _, name in ipairs(r.with_easydel) do
    local f = by_name[name]
    local row = { ("**%s**"):format(cell(name)) }
    for _, fw in ipairs(r.frameworks) do
      local fe = f.frameworks[fw]
      if fe and fe.tested then
        row[#row + 1] = "✅ " .. cell(variants(fe)) .. cell(impl(fe))
      elseif fe then
        row[#row + 1] = "⛔ listed, not running" .. cell(impl(fe))
      else
        row[#row + 1] = "❌"
      end
    end
    local note = #f.missing_tasks > 0 and (" (lacks " .. table.concat(f.missing_tasks, ", ") .. ")") or ""
    row[#row + 1] = "✅ " .. cell(f.easydel) .. cell(note)
    row[#row + 1] = f.phase ~= cov.json.null and tostring(f.phase.number) or "–"
    tbl[#tbl + 1] = ("| %s |\n"):format(table.concat(row, " | "))
  end
  add(md.fold(s.with_easydel, ("%d families"):format(s.with_easydel), table.concat(tbl)))
  add("\n")

  add("## Families tested without an EasyDeL implementation (%d)\n\n", s.without_easydel)
  -- One list per framework group (rules/frameworks.lua), then the families
  -- tested in more than one.
  local groups, labels = {}, {}
  for _, g in ipairs(R.groups(frameworks)) do
    groups[#groups + 1] = { g.label .. " only", r.without_easydel[g.id .. "_only"] or {} }
    labels[#labels + 1] = g.label
  end
  groups[#groups + 1] = { (#labels == 2 and "Both %s" or "More than one of %s"):format(
    table.concat(labels, ", ", 1, #labels - 1) .. " and " .. labels[#labels]),
    r.without_easydel.both }
  for _, g in ipairs(groups) do
    add("### %s (%d)\n\n", g[1], #g[2])
    local items = {}
    for _, name in ipairs(g[2]) do
      local f = by_name[name]
      local parts = {}
      for _, fw in ipairs(r.frameworks) do
        local fe = f.frameworks[fw]
        if fe and fe.tested then parts[#parts + 1] = ("%s: %s"):format(label(fw), variants(fe)) end
      end
      local notes = {}
      if f.alias_rule ~= cov.json.null then notes[1] = f.alias_reason end
      if #f.missing_modules > 0 then
        notes[#notes + 1] = ("the rule names EasyDeL's %s, which this EasyDeL inventory does not "
          .. "have"):format(table.concat(f.missing_modules, ", "))
      end
      local why = #notes > 0 and (" (%s)"):format(table.concat(notes, "; ")) or ""
      items[#items + 1] = ("- **%s**%s: %s\n"):format(name, why, table.concat(parts, "; "))
    end
    add(md.fold(#items, ("%d families"):format(#items), table.concat(items)))
    add("\n")
  end

  add("## Families listed, not running (%d)\n\n", s.listed_not_running)
  if s.listed_not_running > 0 then
    add("A config lists them, but none of their entries there runs (all NOT_SUPPORTED_SKIP or ")
    add("EXCLUDE_MODEL on the arches they are written for): not tested there.\n\n")
  else
    add("None: every family a config lists runs there on some arch.\n\n")
  end
  local listed = {}
  for _, l in ipairs(r.listed_not_running) do
    local f = by_name[l.family]
    local parts = {}
    for _, fw in ipairs(l.frameworks) do
      parts[#parts + 1] = ("%s %s"):format(label(fw), statuses(f.frameworks[fw].status_counts))
    end
    listed[#listed + 1] = ("- **%s**%s: %s\n"):format(l.family, f.easydel ~= cov.json.null
      and (" (EasyDeL " .. f.easydel .. ")") or "", table.concat(parts, "; "))
  end
  add(md.fold(#listed, ("%d families"):format(#listed), table.concat(listed)))
  if s.listed_not_running > 0 then add("\n") end

  add("## EasyDeL families no config tests (%d)\n\n", s.easydel_untested)
  local any_planned = false
  for _, u in ipairs(r.easydel_untested) do any_planned = any_planned or #(u.planned or {}) > 0 end
  tbl = { any_planned and "| EasyDeL module | Type | Planned |\n|---|---|---|\n"
    or "| EasyDeL module | Type |\n|---|---|\n" }
  for _, u in ipairs(r.easydel_untested) do
    tbl[#tbl + 1] = ("| **%s** | %s |%s\n"):format(cell(u.module),
      u.type ~= cov.json.null and cell(u.type) or "",
      any_planned and (" %s |"):format(cell(table.concat(u.planned or {}, ", "))) or "")
  end
  add(md.fold(#r.easydel_untested, ("%d modules"):format(#r.easydel_untested), table.concat(tbl)))
  add("\n")

  add("## Implementation recommendations\n\n")
  for _, p in ipairs(r.phases) do
    add("### Phase %d: %s (%d)\n\n%s (rule: `%s`).\n\n", p.number, p.name, #p.families,
      p.summary, p.rule)
    local items = {}
    local function item(fmt, ...) items[#items + 1] = fmt:format(...) end
    for i, name in ipairs(p.families) do
      local f = by_name[name]
      local tested = {}
      for _, fw in ipairs(r.frameworks) do
        local fe = f.frameworks[fw]
        if fe and fe.tested then
          tested[#tested + 1] = ("%s%s %s"):format(label(fw), impl(fe), statuses(fe.status_counts))
        elseif fe and fe.listed_not_running then
          tested[#tested + 1] = ("%s%s listed, not running (%s)"):format(label(fw), impl(fe),
            statuses(fe.status_counts))
        end
      end
      item("%d. **%s**%s%s\n", i, name, null(f.group) and "" or (" [%s]"):format(f.group),
        #tested > 0 and (": " .. table.concat(tested, "; ")) or "")
      local on = on_easydel[name]
      if on then
        local parts = {}
        for _, v in ipairs(on.variants) do
          parts[#parts + 1] = ("%s%s (%s)"):format(v.raw_family ~= name and (v.raw_family .. " ") or "",
            null(v.variant) and "–" or v.variant, statuses(v.status_counts))
        end
        item("   - JAX on EasyDeL%s: %s\n", on.listed_not_running and ", listed, not running" or "",
          table.concat(parts, "; "))
        parts = {}
        for _, v in ipairs(on.others) do
          parts[#parts + 1] = ("%s%s (%s, %s)"):format(v.raw_family ~= name and (v.raw_family .. " ") or "",
            null(v.variant) and "–" or v.variant, null(v.source) and "source computed" or v.source,
            statuses(v.status_counts))
        end
        if #parts > 0 then item("   - JAX not on EasyDeL: %s\n", table.concat(parts, "; ")) end
      end
      for _, pl in ipairs(f.planned or {}) do item("   - planned: `%s`\n", pl) end
    end
    add(md.fold(#p.families, ("%d families"):format(#p.families), table.concat(items)))
    add("\n")
  end

  if not null(r.tt_forge_models) then
    add("## EasyDeL integration started, no test (%d)\n\n", s.integration_started)
    if s.integration_started > 0 then
      add("tt-forge-models loaders that run EasyDeL but that no config entry names yet.\n\n")
    end
    local items = {}
    for _, l in ipairs(r.integration_started) do
      items[#items + 1] = ("- **%s** (`%s`, EasyDeL module %s): %s (%s:%d)\n"):format(l.family,
        l.loader, null(l.easydel) and "none" or l.easydel, table.concat(l.variants, ", "),
        rel(l.file), l.line)
    end
    add(md.fold(#items, ("%d loaders"):format(#items), table.concat(items)))
    add("\n")
  end

  add("## Planned models (%d)\n\n", s.planned)
  if s.planned > 0 then
    add("PLACEHOLDER_MODELS entries (not brought up yet), by the alias rules.\n\n")
  end
  local planned = {}
  for _, p in ipairs(r.planned) do
    planned[#planned + 1] = ("- `%s`%s: %s\n"):format(p.name,
      null(p.bringup_status) and "" or (" (%s)"):format(p.bringup_status),
      null(p.easydel) and "no EasyDeL module" or ("EasyDeL **%s**%s"):format(p.easydel,
        null(p.alias_rule) and "" or (" (%s)"):format(p.alias_rule)))
  end
  add(md.fold(#planned, ("%d planned models"):format(#planned), table.concat(planned)))
  add("\n")

  add("## Unmatched families (%d)\n\n", s.unmatched)
  if s.unmatched > 0 then
    add("Raw families that no alias rule maps and whose names match no EasyDeL module. ")
    add("Suggestions are close EasyDeL names, never applied: if one is right, add a rule to ")
    add("`rules/aliases.lua`.\n\n")
  end
  local plain, close = {}, {}
  for _, u in ipairs(r.unmatched) do
    if #u.suggestions > 0 then
      close[#close + 1] = ("- **%s**: did you mean %s?\n"):format(u.name,
        table.concat(u.suggestions, ", "))
    else
      plain[#plain + 1] = u.name
    end
  end
  add(md.fold(#close, ("%d with a close EasyDeL name"):format(#close), table.concat(close)))
  if #plain > 0 then
    add("%s", #plain < s.unmatched and "\n" or "")
    add(md.fold(#plain, ("%d with no close EasyDeL name"):format(#plain),
      ("No close EasyDeL name: %s.\n"):format(table.concat(plain, ", "))))
  end
  add("\n")
  if (s.unknown_ids or 0) > 0 then
    add("## Test ids naming no tt-forge-models loader variant (%d)\n\n", s.unknown_ids)
    local items = {}
    for _, u in ipairs(r.unknown_ids) do
      items[#items + 1] = ("- `%s` (%s:%d): %s\n"):format(u.id, rel(u.file), u.line, u.reason)
    end
    add(md.fold(#items, ("%d ids"):format(#items), table.concat(items)))
    add("\n")
  end
  if s.unparsed_ids > 0 then
    add("## Test ids outside the grammar (%d)\n\n", s.unparsed_ids)
    local items = {}
    for _, u in ipairs(r.unparsed) do
      items[#items + 1] = ("- `%s` (%s:%d)\n"):format(u.id, rel(u.file), u.line)
    end
    add(md.fold(#items, ("%d ids"):format(#items), table.concat(items)))
    add("\n")
  end

  add("## Conclusion\n\n")
  add("- **%d tested families** can use an EasyDeL implementation today", s.with_easydel)
  -- The phases whose definition asks to be named here (conclusion = true).
  local named = {}
  for _, p in ipairs(ctx and ctx.phases or {}) do
    if p.conclusion then named[p.number] = true end
  end
  for _, p in ipairs(r.phases) do
    if named[p.number] and #p.families > 0 then
      add("; phase %d, %s: %d (%s)", p.number, p.name:lower(), #p.families,
        table.concat(p.families, ", "))
    end
  end
  add(".\n")
  add("- **%d EasyDeL modules** are not tested by any config yet.\n", s.easydel_untested)
  add("- **%d tested families** have no EasyDeL implementation and stay on their own models.\n",
    s.without_easydel)
  return table.concat(out)
end

return M
