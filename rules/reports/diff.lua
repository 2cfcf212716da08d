-- The semantic diff between a base and the head, as Markdown for release
-- notes and CI job summaries: the figures before and after, families gained
-- and lost, EasyDeL modules newly tested or no longer tested, status
-- promotions and regressions (of families, tests, tests on one arch), tests
-- added and removed, phase changes. It lays out the covengine.diff/1 table
-- (lua/covengine/diff.lua); every number is the length of a list shown.
local cov = require "covengine"

local LABEL = { jax = "JAX", torch = "PyTorch", torch_llm = "PyTorch LLM" }
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

local function label(fw) return LABEL[fw] or fw end
local function cell(s) return (tostring(s):gsub("|", "\\|"):gsub("\n", " ")) end
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
    parts[#parts + 1] = ("the report `%s`"):format(base.path)
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

    local bsum, hsum = {}, {}
    for k, v in pairs(d.figures.summary) do bsum[k], hsum[k] = v.base, v.head end
    add("# Coverage diff\n\n")
    add("- **Base**: %s\n", describe(d.base, bsum, d.base))
    add("- **Head**: %s\n\n", describe(d.head, hsum))
    add("Policy: %s.\n\n", d.policy)
    add("Status ranking, best first (up is a promotion, down a regression): %s.\n\n",
      table.concat(d.ranking, " > "))

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
      add("## %s (%d)\n\n", which[2], total(counts))
      for _, fw in ipairs(d.frameworks) do
        local list = d.families[which[1]][fw]
        if #list > 0 then add("- **%s** (%d): %s\n", label(fw), #list, names(list)) end
      end
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

    add("## EasyDeL modules newly tested (%d)\n\n%s\n\n", s.modules_newly_tested,
      names(d.modules.newly_tested))
    add("## EasyDeL modules no longer tested (%d)\n\n%s\n\n", s.modules_no_longer_tested,
      names(d.modules.no_longer_tested))

    for _, which in ipairs { { "promoted", "Family promotions" },
      { "regressed", "Family regressions" } } do
      local list = d.families[which[1]]
      add("## %s (%d)\n\nA family's status in a framework is the best status of its entries "
        .. "there.\n\n", which[2], #list)
      if #list > 0 then
        add("| Family | Framework | Base | Head |\n|---|---|---|---|\n")
        for _, f in ipairs(list) do
          add("| **%s** | %s | %s | %s |\n", cell(f.family), label(f.framework), f.from, f.to)
        end
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
      for _, k in ipairs(order) do
        add("### %s (%d)\n\n", k, #groups[k])
        for _, t in ipairs(groups[k]) do
          local was = not null(t.base_id) and (", was `%s`"):format(t.base_id) or ""
          add("- `%s` (%s, %s:%d%s)\n", t.id, label(t.framework), t.file, t.line, was)
        end
        add("\n")
      end
    end

    add("## Per-arch changes (%d promoted, %d regressed)\n\n", s.arch_promoted, s.arch_regressed)
    add("The status that applies on each arch an entry names (its supported_archs or arch "
      .. "overrides), where the test runs on both sides.\n\n")
    if s.arch_promoted + s.arch_regressed > 0 then
      add("| Change | Test | Framework | Arch | Base | Head |\n|---|---|---|---|---|---|\n")
      for _, which in ipairs { "promoted", "regressed" } do
        for _, t in ipairs(d.arches[which]) do
          add("| %s | `%s` | %s | %s | %s | %s |\n", which, cell(t.id), label(t.framework),
            cell(t.arch), t.from, t.to)
        end
      end
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
        add("| Family | Framework | Tests | Statuses |\n|---|---|---|---|\n")
        for _, k in ipairs(order) do
          local c = counts[k]
          local st = {}
          for _, name in ipairs(d.ranking) do
            if c.status[name] then st[#st + 1] = ("%d %s"):format(c.status[name], name) end
          end
          add("| **%s** | %s | %d | %s |\n", cell(c.family), label(c.framework), c.n,
            table.concat(st, ", "))
        end
        add("\n")
      end
    end

    add("## Phase changes (%d)\n\n", s.phase_changes)
    if s.phase_changes > 0 then
      add("| Family | Base phase | Head phase |\n|---|---|---|\n")
      local function ph(p) return null(p) and "–" or ("%d. %s"):format(p.number, p.name) end
      for _, c in ipairs(d.phases.changed) do
        add("| **%s** | %s | %s |\n", cell(c.family), cell(ph(c.from)), cell(ph(c.to)))
      end
      add("\n")
    end
    return table.concat(out)
  end,
}
