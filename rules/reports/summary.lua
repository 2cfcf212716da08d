-- A compact Markdown summary for CI job summaries ($GITHUB_STEP_SUMMARY)
-- and PR comments: the headline figure, the counts of the executive
-- summary in one table, and the phases with their first few families. A
-- kilobyte or two whatever the inputs; the full report is --format markdown.
local cov = require "covengine"
local md = require "covengine.md"
local R = require "covengine.rules"
local frameworks = require "frameworks"

local function label(fw) return R.label_of(frameworks, fw) end
local function null(v) return v == nil or v == cov.json.null end

-- Families a phase row names before "+N more".
local SHOWN = 6

return {
  render = function(r)
    local out = {}
    local function add(fmt, ...) out[#out + 1] = select("#", ...) > 0 and fmt:format(...) or fmt end
    local s, fig = r.summary, r.figure
    if not null(fig) then
      add("### EasyDeL model coverage: %s%%\n\n", fig.display)
      add("**%s%%** %s (%d of %d).\n\n", fig.display, md.cell(fig.text), fig.covered, fig.total)
    else
      add("### EasyDeL model coverage\n\n")
      add("%s\n\n", null(r.easydel) and "Coverage not judged: no EasyDeL inventory loaded."
        or "The rules define no gate figure.")
    end

    add("| | %s |\n|---|%s\n", (function()
      local h = {}
      for _, fw in ipairs(r.frameworks) do h[#h + 1] = label(fw) end
      return table.concat(h, " | ")
    end)(), ("---|"):rep(#r.frameworks))
    local tested = { "Families tested" }
    for _, fw in ipairs(r.frameworks) do tested[#tested + 1] = s.families_by_framework[fw] or 0 end
    add("| %s |\n\n", table.concat(tested, " | "))

    add("| Figure | Count |\n|---|---|\n")
    for _, row in ipairs {
      { "Test entries", s.tests },
      { "EasyDeL modules", s.easydel_modules },
      { "Tested families EasyDeL implements", s.with_easydel },
      { "Tested families without an EasyDeL implementation", s.without_easydel },
      { "EasyDeL modules no config tests", s.easydel_untested },
      { "Families listed, not running", s.listed_not_running },
      { "Raw families matching no EasyDeL name or rule", s.unmatched },
    } do
      add("| %s | %d |\n", row[1], row[2])
    end
    add("\n| Phase | Families | First |\n|---|---|---|\n")
    for _, p in ipairs(r.phases) do
      local names = {}
      for i = 1, math.min(#p.families, SHOWN) do names[i] = p.families[i] end
      local more = #p.families - #names
      add("| %d. %s | %d | %s |\n", p.number, md.cell(p.name), #p.families,
        md.cell(table.concat(names, ", ") .. (more > 0 and (", +%d more"):format(more) or "")))
    end
    add("\ncovengine %s; the whole report: `--format markdown` or `--format html`.\n",
      cov.version)
    return table.concat(out)
  end,
}
