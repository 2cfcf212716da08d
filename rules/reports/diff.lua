-- The semantic diff between a base and the head, as Markdown for release
-- notes and CI job summaries: the figures before and after, families gained
-- and lost, EasyDeL modules newly tested or no longer tested, status
-- promotions and regressions (of families, tests, tests on one arch), tests
-- added and removed, phase changes. It lays out the covengine.diff/1 table
-- (lua/covengine/diff.lua); every number is the length of a list shown.
local cov = require "covengine"
local md = require "covengine.md"

local R = require "covengine.rules"
local frameworks = require "frameworks"
local SUMMARY_ROWS = {
  { "tests", "Test entries" },
  { "families", "Families (canonical)" },
  { "easydel_modules", "EasyDeL modules" },
  { "with_easydel", "Tested families EasyDeL implements" },
  { "without_easydel", "Tested families without an EasyDeL implementation" },
  { "easydel_untested", "EasyDeL modules no config tests" },
  { "unmatched", "Raw families matching no EasyDeL name or rule" },
  { "unparsed_ids", "Test ids outside the grammar" },
}

local function label(fw) return R.label_of(frameworks, fw) end
local cell = md.cell
local function null(v) return v == nil or v == cov.json.null end

local function change(a, b)
  if math.type(a) == "integer" and math.type(b) == "integer" then
    return b == a and "" or ("%+d"):format(b - a)
  end
  return b == a and "" or ("%+.2f"):format(b - a)
end

-- "N test entries in M config files; EasyDeL <rev> (<date>)" for one side.
local function describe(side, summary, base)
  local files = 0
  for _, i in ipairs(side.inputs) do
    if i.kind == "test_config" then files = files + 1 end
  end
  local parts = {}
  if base and base.kind == "baseline" then
    parts[#parts + 1] = ("the report `%s`"):format(md.escape_controls(base.path))
  end
  parts[#parts + 1] = ("%d test entries in %d config file%s"):format(summary.tests, files,
    files == 1 and "" or "s")
  local e = side.easydel
  if not null(e) then
    local rev = not null(e.revision) and e.revision or e.source
    local date = not null(e.date) and (" of " .. e.date) or ""
    local borrowed = base and base.easydel_from == "head" and " (the head's: no --base-easydel)"
      or ""
    parts[#parts + 1] = ("EasyDeL %s%s%s"):format(rev, date, borrowed)
  else
    parts[#parts + 1] = "no EasyDeL inventory"
  end
  return table.concat(parts, "; ")
end

local function total(by_fw)
  local n = 0
  for _, k in pairs(by_fw) do n = n + k end
  return n
end

return {
  needs_diff = true,
  render = function(_, ctx)
    local d = ctx.diff
    local s = d.summary
    local out = {}
    local function add(fmt, ...) out[#out + 1] = select("#", ...) > 0 and fmt:format(...) or fmt end
    local function names(list) return #list > 0 and table.concat(list, ", ") or "none" end
    -- Paths relative to each side's config directory: the absolute prefix
    -- repeated on every test line once made the diff too long for a PR comment.
    local roots = md.roots({ side = "head", inputs = d.head.inputs },
      { side = "base", inputs = d.base.inputs })
    local function rel(path) return md.relative(path, roots) end

    local bsum, hsum = {}, {}
    for k, v in pairs(d.figures.summary) do bsum[k], hsum[k] = v.base, v.head end
    add("# Coverage diff\n\n")
    add("- **Base**: %s\n", describe(d.base, bsum, d.base))
    add("- **Head**: %s\n\n", describe(d.head, hsum))
    add("Policy: %s.\n\n", d.policy)
    add("Status ranking, best first (up is a promotion, down a regression): %s.\n\n",
      table.concat(d.ranking, " > "))
    add("%s", md.roots_note(roots))

    add("## Summary\n\n| Figure | Base | Head | Change |\n|---|---|---|---|\n")
    local g = d.figures.gate
    if not null(g) then
      add("| **%s %s** | %s%% | %s%% | %s |\n", cell(g.name), cell(g.text), g.base_display,
        g.head_display, change(tonumber(g.base_display), tonumber(g.head_display)))
    end
    for _, row in ipairs(SUMMARY_ROWS) do
      local v = d.figures.summary[row[1]]
      add("| %s | %d | %d | %s |\n", row[2], v.base, v.head, change(v.base, v.head))
    end
    for _, fw in ipairs(d.frameworks) do
      local v = d.figures.families_by_framework[fw]
      add("| %s families tested | %d | %d | %s |\n", label(fw), v.base, v.head,
        change(v.base, v.head))
    end
    add("\n")
    local function per_fw(counts)
      local parts = {}
      for _, fw in ipairs(d.frameworks) do
        if counts[fw] > 0 then parts[#parts + 1] = ("%s %d"):format(label(fw), counts[fw]) end
      end
      return #parts > 0 and (" (" .. table.concat(parts, ", ") .. ")") or ""
    end
    add("- **Families gained**: %d%s\n", total(s.families_gained), per_fw(s.families_gained))
    add("- **Families lost**: %d%s\n", total(s.families_lost), per_fw(s.families_lost))
    add("- **EasyDeL modules newly tested**: %d; **no longer tested**: %d\n",
      s.modules_newly_tested, s.modules_no_longer_tested)
    add("- **Tests**: %d added, %d removed, %d promoted, %d regressed (%d paired with a renamed "
      .. "id)\n", s.tests_added, s.tests_removed, s.tests_promoted, s.tests_regressed,
      s.tests_renamed)
    add("- **Tests on one arch**: %d promoted, %d regressed\n", s.arch_promoted, s.arch_regressed)
    add("- **Families' best status**: %d promoted, %d regressed\n", s.families_promoted,
      s.families_regressed)
    add("- **Phase changes**: %d\n", s.phase_changes)
    add("- **JAX families switched to EasyDeL**: %d; **left EasyDeL**: %d; **new in JAX, on "
      .. "EasyDeL**: %d%s\n\n", s.switched_to_easydel or 0, s.left_easydel or 0,
      s.new_on_easydel or 0,
      d.implementations and d.implementations.known and ""
        or " (not known: both sides need a tt-forge-models tree)")

    for _, which in ipairs { { "gained", "Families gained" }, { "lost", "Families lost" } } do
      local counts = s["families_" .. which[1]]
      local n = total(counts)
      add("## %s (%d)\n\n", which[2], n)
      local lines = {}
      for _, fw in ipairs(d.frameworks) do
        local list = d.families[which[1]][fw]
        if #list > 0 then
          lines[#lines + 1] = ("- **%s** (%d): %s\n"):format(label(fw), #list, names(list))
        end
      end
      add(md.fold(n, ("%d families"):format(n), table.concat(lines)))
      add("\n")
    end

    if d.implementations and d.implementations.known then
      for _, which in ipairs { { "switched_to_easydel", "JAX families switched to EasyDeL" },
        { "left_easydel", "JAX families that left EasyDeL" },
        { "new_on_easydel", "JAX families new in the head, on EasyDeL" } } do
        local list = d.implementations[which[1]]
        add("## %s (%d)\n\n", which[2], #list)
        for _, c in ipairs(list) do
          local function word(v) return v == cov.json.null and "no JAX tests" or v end
          add("- **%s**: %s -> %s (%d -> %d JAX tests on EasyDeL)\n", c.family, word(c.from),
            word(c.to), c.easydel_tests_base, c.easydel_tests_head)
        end
        add("\n")
      end
    end

    for _, which in ipairs { { "newly_tested", "EasyDeL modules newly tested" },
      { "no_longer_tested", "EasyDeL modules no longer tested" } } do
      local list = d.modules[which[1]]
      add("## %s (%d)\n\n%s\n", which[2], #list,
        md.fold(#list, ("%d modules"):format(#list), names(list) .. "\n"))
    end

    for _, which in ipairs { { "promoted", "Family promotions" },
      { "regressed", "Family regressions" } } do
      local list = d.families[which[1]]
      add("## %s (%d)\n\nA family's status in a framework is the best status of its entries "
        .. "there.\n\n", which[2], #list)
      if #list > 0 then
        local rows = { "| Family | Framework | Base | Head |\n|---|---|---|---|\n" }
        for _, f in ipairs(list) do
          rows[#rows + 1] = ("| **%s** | %s | %s | %s |\n"):format(cell(f.family),
            label(f.framework), f.from, f.to)
        end
        add(md.fold(#list, ("%d families"):format(#list), table.concat(rows)))
        add("\n")
      end
    end

    -- Test transitions, grouped by (from, to) in ranking order.
    for _, which in ipairs { { "promoted", "Test promotions" }, { "regressed", "Test regressions" } } do
      local list = d.tests[which[1]]
      add("## %s (%d)\n\n", which[2], #list)
      local groups, order = {}, {}
      for _, t in ipairs(list) do
        local k = t.from .. " → " .. t.to
        if not groups[k] then
          groups[k] = {}
          order[#order + 1] = k
        end
        table.insert(groups[k], t)
      end
      local pos = {}
      for i, st in ipairs(d.ranking) do pos[st] = i end
      table.sort(order, function(a, b)
        local t1, t2 = groups[a][1], groups[b][1]
        if t1.from ~= t2.from then return pos[t1.from] < pos[t2.from] end
        return pos[t1.to] < pos[t2.to]
      end)
      -- Within a transition, one sub-list per config file (in the order
      -- the diff lists the tests), the file and framework said once.
      for _, k in ipairs(order) do
        add("### %s (%d)\n\n", k, #groups[k])
        local files, by_file = {}, {}
        for _, t in ipairs(groups[k]) do
          local fk = t.file .. "\0" .. t.framework
          if not by_file[fk] then
            by_file[fk] = {}
            files[#files + 1] = fk
          end
          table.insert(by_file[fk], t)
        end
        local lines = {}
        for _, fk in ipairs(files) do
          local first = by_file[fk][1]
          lines[#lines + 1] = ("- `%s` (%s, %d):\n"):format(rel(first.file),
            label(first.framework), #by_file[fk])
          for _, t in ipairs(by_file[fk]) do
            local was = not null(t.base_id) and (", was `%s`"):format(t.base_id) or ""
            lines[#lines + 1] = ("  - `%s` (line %d%s)\n"):format(t.id, t.line, was)
          end
        end
        add(md.fold(#groups[k], ("%d tests"):format(#groups[k]), table.concat(lines)))
        add("\n")
      end
    end

    add("## Per-arch changes (%d promoted, %d regressed)\n\n", s.arch_promoted, s.arch_regressed)
    add("The status that applies on each arch an entry names (its supported_archs or arch "
      .. "overrides), where the test runs on both sides.\n\n")
    if s.arch_promoted + s.arch_regressed > 0 then
      local rows = { "| Change | Test | Framework | Arch | Base | Head |\n|---|---|---|---|---|---|\n" }
      for _, which in ipairs { "promoted", "regressed" } do
        for _, t in ipairs(d.arches[which]) do
          rows[#rows + 1] = ("| %s | `%s` | %s | %s | %s | %s |\n"):format(which, cell(t.id),
            label(t.framework), cell(t.arch), t.from, t.to)
        end
      end
      local n = s.arch_promoted + s.arch_regressed
      add(md.fold(n, ("%d changes"):format(n), table.concat(rows)))
      add("\n")
    end

    -- Added and removed tests, counted per family and framework.
    for _, which in ipairs { { "added", "Tests added" }, { "removed", "Tests removed" } } do
      local list = d.tests[which[1]]
      add("## %s (%d)\n\n", which[2], #list)
      if #list > 0 then
        local counts, order = {}, {}
        for _, t in ipairs(list) do
          local k = t.family .. "\0" .. t.framework
          if not counts[k] then
            counts[k] = { family = t.family, framework = t.framework, n = 0, status = {} }
            order[#order + 1] = k
          end
          counts[k].n = counts[k].n + 1
          counts[k].status[t.status] = (counts[k].status[t.status] or 0) + 1
        end
        table.sort(order)
        local rows = { "| Family | Framework | Tests | Statuses |\n|---|---|---|---|\n" }
        for _, k in ipairs(order) do
          local c = counts[k]
          local st = {}
          for _, name in ipairs(d.ranking) do
            if c.status[name] then st[#st + 1] = ("%d %s"):format(c.status[name], name) end
          end
          rows[#rows + 1] = ("| **%s** | %s | %d | %s |\n"):format(cell(c.family),
            label(c.framework), c.n, cell(table.concat(st, ", ")))
        end
        add(md.fold(#order, ("%d tests in %d families and frameworks"):format(#list, #order),
          table.concat(rows)))
        add("\n")
      end
    end

    add("## Phase changes (%d)\n\n", s.phase_changes)
    if s.phase_changes > 0 then
      local rows = { "| Family | Base phase | Head phase |\n|---|---|---|\n" }
      local function ph(p) return null(p) and "–" or ("%d. %s"):format(p.number, p.name) end
      for _, c in ipairs(d.phases.changed) do
        rows[#rows + 1] = ("| **%s** | %s | %s |\n"):format(cell(c.family), cell(ph(c.from)),
          cell(ph(c.to)))
      end
      add(md.fold(s.phase_changes, ("%d families"):format(s.phase_changes), table.concat(rows)))
      add("\n")
    end
    return table.concat(out)
  end,
}
