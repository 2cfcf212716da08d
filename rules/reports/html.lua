-- One self-contained HTML page: the report's tables and an inline SVG chart
-- of coverage per framework. No scripts, fonts or images from anywhere: it
-- opens offline, from a mail attachment or a CI artifact.
local cov = require "covengine"

local function esc(s)
  return (tostring(s):gsub("[&<>\"']", {
    ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }))
end

local LABEL = { jax = "JAX", torch = "PyTorch", torch_llm = "PyTorch LLM" }
local function label(fw) return LABEL[fw] or fw end

local STYLE = [[
body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:75em;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;width:100%}
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.yes{background:#e8f6e8}td.no{color:#999}
.muted{color:#666}svg text{font:13px system-ui,sans-serif}
]]

-- Horizontal bars: per framework, tested families with and without an
-- EasyDeL module; then EasyDeL modules tested and not.
local function chart(r)
  local by_name = {}
  for _, f in ipairs(r.families) do by_name[f.name] = f end
  local rows = {}
  for _, fw in ipairs(r.frameworks) do
    local with, without = 0, 0
    for _, name in ipairs(r.families_tested[fw] or {}) do
      if by_name[name].easydel ~= cov.json.null then with = with + 1 else without = without + 1 end
    end
    rows[#rows + 1] = { label(fw) .. " families", with, without, "with EasyDeL", "without" }
  end
  local s = r.summary
  rows[#rows + 1] = { "EasyDeL modules", s.easydel_modules - s.easydel_untested,
    s.easydel_untested, "tested", "untested" }
  local max = 1
  for _, row in ipairs(rows) do max = math.max(max, row[2] + row[3]) end
  local left, width, bar, gap = 170, 520, 22, 14
  local height = #rows * (bar + gap) + 30
  local out = { ('<svg id="coverage-chart" role="img" width="%d" height="%d" '
    .. 'viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg">'):format(left + width + 140,
    height, left + width + 140, height),
    "<title>Coverage per framework</title>" }
  for i, row in ipairs(rows) do
    local y = (i - 1) * (bar + gap) + 10
    local w1 = math.floor(width * row[2] / max + 0.5)
    local w2 = math.floor(width * row[3] / max + 0.5)
    out[#out + 1] = ('<text x="%d" y="%d" text-anchor="end">%s</text>'):format(left - 8,
      y + bar - 6, esc(row[1]))
    out[#out + 1] = ('<rect class="bar" x="%d" y="%d" width="%d" height="%d" fill="#3a9d5d">'
      .. '<title>%d %s</title></rect>'):format(left, y, w1, bar, row[2], esc(row[4]))
    out[#out + 1] = ('<rect class="bar" x="%d" y="%d" width="%d" height="%d" fill="#c8c8c8">'
      .. '<title>%d %s</title></rect>'):format(left + w1, y, w2, bar, row[3], esc(row[5]))
    out[#out + 1] = ('<text x="%d" y="%d">%d %s, %d %s</text>'):format(left + w1 + w2 + 6,
      y + bar - 6, row[2], esc(row[4]), row[3], esc(row[5]))
  end
  out[#out + 1] = "</svg>"
  return table.concat(out, "\n")
end

return {
  render = function(r)
    local o = {}
    local function add(fmt, ...) o[#o + 1] = select("#", ...) > 0 and fmt:format(...) or fmt end
    local s = r.summary
    local by_name = {}
    for _, f in ipairs(r.families) do by_name[f.name] = f end

    add('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n')
    add("<title>EasyDeL model coverage</title>\n<style>%s</style></head><body>\n", STYLE)
    add("<h1>EasyDeL model coverage</h1>\n<p class=\"muted\">covengine %s. Policy: %s.</p>\n",
      esc(cov.version), esc(r.policy))

    add('<h2>Executive summary</h2>\n<ul id="summary">\n')
    for _, fw in ipairs(r.frameworks) do
      add("<li><b>%s config</b>: %d model families tested</li>\n", esc(label(fw)),
        s.families_by_framework[fw] or 0)
    end
    if r.easydel == cov.json.null then
      add("<li><b>EasyDeL</b>: no inventory loaded (give --easydel PATH)</li>\n")
    else
      add("<li><b>EasyDeL</b>: %d modules</li>\n", s.easydel_modules)
    end
    add("<li><b>Tested families EasyDeL implements</b>: %d</li>\n", s.with_easydel)
    add("<li><b>Tested families without an EasyDeL implementation</b>: %d</li>\n",
      s.without_easydel)
    add("<li><b>EasyDeL modules no config tests</b>: %d</li>\n", s.easydel_untested)
    add("<li><b>Unmatched raw families</b>: %d</li>\n", s.unmatched)
    add("<li><b>Families listed, not running</b>: %d</li>\n", s.listed_not_running)
    add("<li><b>Test entries</b>: %d</li>\n</ul>\n", s.tests)
    add("%s\n", chart(r))

    add("<h2>Families with EasyDeL implementations (%d)</h2>\n", s.with_easydel)
    add('<table id="families-with-easydel"><thead><tr><th>Family</th>')
    for _, fw in ipairs(r.frameworks) do add("<th>%s</th>", esc(label(fw))) end
    add("<th>EasyDeL module</th><th>Phase</th></tr></thead><tbody>\n")
    for _, name in ipairs(r.with_easydel) do
      local f = by_name[name]
      add("<tr><td><b>%s</b></td>", esc(name))
      for _, fw in ipairs(r.frameworks) do
        local fe = f.frameworks[fw]
        local impl = fe and fe.implementation ~= nil and fe.implementation ~= cov.json.null
          and (' <span class="impl">[%s]</span>'):format(esc(fe.implementation)) or ""
        if fe and fe.tested then
          local rest = fe.variant_count - #fe.variant_names
          add('<td class="yes">%s%s%s</td>', esc(table.concat(fe.variant_names, ", ")),
            rest > 0 and (" … (+%d more)"):format(rest) or "", impl)
        else
          add('<td class="no">%s%s</td>', fe and "listed, not running" or "–", impl)
        end
      end
      add("<td>%s%s</td><td>%s</td></tr>\n", esc(f.easydel),
        #f.missing_tasks > 0 and esc(" (lacks " .. table.concat(f.missing_tasks, ", ") .. ")") or "",
        f.phase ~= cov.json.null and f.phase.number or "–")
    end
    add("</tbody></table>\n")

    add("<h2>Families tested without an EasyDeL implementation (%d)</h2>\n", s.without_easydel)
    for _, g in ipairs { { "JAX only", r.without_easydel.jax_only },
      { "PyTorch only", r.without_easydel.pytorch_only },
      { "Both JAX and PyTorch", r.without_easydel.both } } do
      add("<h3>%s (%d)</h3>\n<p>%s</p>\n", g[1], #g[2], esc(table.concat(g[2], ", ")))
    end

    add("<h2>Families listed, not running (%d)</h2>\n<p>%s</p>\n", s.listed_not_running,
      esc((function()
        local names = {}
        for _, l in ipairs(r.listed_not_running) do
          names[#names + 1] = ("%s (%s)"):format(l.family, table.concat(l.frameworks, ", "))
        end
        return #names > 0 and table.concat(names, ", ") or "none"
      end)()))

    add("<h2>EasyDeL families no config tests (%d)</h2>\n", s.easydel_untested)
    add('<table id="easydel-untested"><thead><tr><th>Module</th><th>Type</th></tr></thead><tbody>\n')
    for _, u in ipairs(r.easydel_untested) do
      add("<tr><td>%s</td><td>%s</td></tr>\n", esc(u.module),
        u.type ~= cov.json.null and esc(u.type) or "")
    end
    add("</tbody></table>\n")

    add("<h2>Implementation recommendations</h2>\n")
    for _, p in ipairs(r.phases) do
      add("<h3>Phase %d: %s (%d)</h3>\n<p>%s <span class=\"muted\">(rule %s)</span></p>\n",
        p.number, esc(p.name), #p.families, esc(p.summary), esc(p.rule))
      add("<ol>%s</ol>\n", #p.families > 0
        and ("<li>" .. table.concat((function()
          local items = {}
          for i, n in ipairs(p.families) do
            local g = by_name[n].group
            items[i] = esc(n) .. ((g and g ~= cov.json.null) and (" [" .. esc(g) .. "]") or "")
          end
          return items
        end)(), "</li><li>") .. "</li>") or "")
    end

    if r.tt_forge_models and r.tt_forge_models ~= cov.json.null then
      add('<h2>EasyDeL integration started, no test (%d)</h2>\n<ul id="integration-started">\n',
        s.integration_started)
      for _, l in ipairs(r.integration_started) do
        add("<li><b>%s</b> (%s): %s</li>\n", esc(l.family), esc(l.loader),
          esc(table.concat(l.variants, ", ")))
      end
      add("</ul>\n")
    end
    add('<h2>Planned models (%d)</h2>\n<ul id="planned">\n', s.planned)
    for _, p in ipairs(r.planned) do
      add("<li>%s: %s</li>\n", esc(p.name), p.easydel ~= cov.json.null
        and ("EasyDeL " .. esc(p.easydel)) or "no EasyDeL module")
    end
    add("</ul>\n")

    add("<h2>Unmatched families (%d)</h2>\n<ul>\n", s.unmatched)
    for _, u in ipairs(r.unmatched) do
      add("<li>%s%s</li>\n", esc(u.name), #u.suggestions > 0
        and esc(" — did you mean " .. table.concat(u.suggestions, ", ") .. "?") or "")
    end
    add("</ul>\n</body></html>\n")
    return table.concat(o)
  end,
}
