-- One self-contained HTML page, a small dashboard: the headline figure, a
-- chart, a table of contents; one family table (every family, sortable by
-- each column, filterable by text, framework, phase and EasyDeL or not,
-- each family expandable to its tests with their effective status per
-- arch, loader source, checkpoint, alias and phase rule); a family x
-- (framework, run mode, parallelism) matrix coloured by effective status;
-- then the report's lists. No fonts, images or scripts from anywhere: it
-- opens offline, from a mail attachment or a CI artifact. Everything is in
-- the markup, readable with JavaScript off (the <details> expand without
-- it); the inline script only adds sorting and the filters. Narrow
-- screens: wide tables scroll inside their own box, never the page.
local cov = require "covengine"
local md = require "covengine.md"

local function esc(s)
  return (tostring(s):gsub("[&<>\"']", {
    ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }))
end

local function null(v) return v == nil or v == cov.json.null end

-- Escaped, with a line-break opportunity after each "_": long names
-- (unet_for_conditional_generation, SEQUENCE_CLASSIFICATION) would
-- otherwise widen their column past a laptop screen.
local function count(n, noun) return ("%d %s%s"):format(n, noun, n == 1 and "" or "s") end

local function breakable(s) return (esc(s):gsub("_", "_<wbr>")) end

local function trend_display(v)
  if v == nil then return "" end
  if math.type(v) == "integer" then return tostring(v) end
  return ("%.2f"):format(v)
end

local R = require "covengine.rules"
local frameworks = require "frameworks"
local function label(fw) return R.label_of(frameworks, fw) end

-- Best first, as rules/diff.lua ranks them; the class colours a status.
local RANK = { "EXPECTED_PASSING", "KNOWN_FAILURE_XFAIL", "UNSPECIFIED", "NOT_SUPPORTED_SKIP",
  "EXCLUDE_MODEL" }
local CLASS = { EXPECTED_PASSING = "pass", KNOWN_FAILURE_XFAIL = "xfail", UNSPECIFIED = "unspec",
  NOT_SUPPORTED_SKIP = "skip", EXCLUDE_MODEL = "excl" }
local POS = {}
for i, s in ipairs(RANK) do POS[s] = i end

-- Column heads of the matrix, short.
local SHORT = { inference = "inf", training = "train", single_device = "1dev",
  data_parallel = "DP", tensor_parallel = "TP" }

local function better(a, b)
  if a == nil then return b end
  if b == nil then return a end
  return (POS[a] or 99) <= (POS[b] or 99) and a or b
end

local STYLE = [[
*{box-sizing:border-box}[hidden]{display:none!important}
html{-webkit-text-size-adjust:100%}
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:82em;padding:0 1em 3em;color:#1f2328;
 background:#fff;overflow-wrap:break-word}
h1{font-size:1.6em;margin:.8em 0 .2em}h2{margin-top:1.6em;border-bottom:1px solid #d0d7de;
 padding-bottom:.2em}
a{color:#0b57d0}code,.mono{font:12.5px/1.4 ui-monospace,monospace;overflow-wrap:anywhere}
.muted{color:#59636e}
nav#toc ol{columns:2 14em;margin:.3em 0;padding-left:1.4em}
.headline{display:flex;flex-wrap:wrap;align-items:baseline;gap:.2em .6em;margin:.4em 0 1em}
.headline .figure{font-size:2.6em;font-weight:700;color:#1a7f37;line-height:1}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(11em,1fr));gap:.5em;
 padding:0;list-style:none}
.cards li{border:1px solid #d0d7de;border-radius:6px;padding:.4em .6em}
.cards b{display:block;font-size:1.35em}
#coverage-chart{margin:1em 0}
.bar-row{display:grid;grid-template-columns:minmax(7em,12em) 1fr;gap:.2em .8em;
 align-items:center;margin:.45em 0}
.bar{display:flex;height:1.3em;border-radius:3px;overflow:hidden;background:#eee}
.bar span{display:block;height:100%}
.bar-value{grid-column:2;font-size:.9em;color:#59636e}
.seg-a{background:#2e8540}.seg-b{background:#c8ccd0}
.legend{display:flex;flex-wrap:wrap;gap:.3em 1.2em;padding:0;margin:.3em 0;list-style:none;
 font-size:.9em}
.sw{display:inline-block;width:.9em;height:.9em;border-radius:2px;vertical-align:-.1em;
 margin-right:.3em;border:1px solid #0002}
.scroll{overflow-x:auto;max-width:100%;border:1px solid #d0d7de;border-radius:6px;margin:.6em 0}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #d8dee4;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f6f8fa;position:sticky;top:0;white-space:nowrap}
td.num,th.num{text-align:right}
th button.sort{font:inherit;font-weight:700;background:none;border:0;padding:0;cursor:pointer;
 color:inherit}
th[aria-sort=ascending] button.sort::after{content:" \25B2"}
th[aria-sort=descending] button.sort::after{content:" \25BC"}
tbody.fam tr.more td{border-bottom:2px solid #d0d7de;padding-top:0}
tbody.fam details>summary{cursor:pointer;color:#0b57d0;font-size:.9em}
td.fw .n{white-space:nowrap}
.detail{position:sticky;left:.5em;width:0;min-width:min(100%,calc(100vw - 3em),78.5em)}
.var{font-size:.88em;margin:.4em 0}
.var td,.var th{position:static;padding:.2em .4em}
.st{display:inline-block;border-radius:3px;padding:0 .3em;font-size:.82em;font-weight:600;
 white-space:nowrap}
.pass{background:#dafbe1;color:#116329}.xfail{background:#fff1c5;color:#7d4e00}
.unspec{background:#ddf4ff;color:#0a3069}.skip{background:#eaeef2;color:#57606a}
.excl{background:#ffebe9;color:#a40e26}
.none{background:repeating-linear-gradient(45deg,#fff,#fff 3px,#eaeef2 3px,#eaeef2 6px);color:#57606a}
#matrix-table{width:auto}
#matrix-table td{text-align:center;min-width:3.2em}
#matrix-table th.combo,#matrix-table th.fwh{font-size:.8em;text-align:center;position:static}
#matrix-table th.fwh{border-left:2px solid #d0d7de}
#matrix-table td.fam,#matrix-table th.fam{text-align:left;white-space:nowrap;position:sticky;left:0;
 z-index:1;background:#fff;max-width:11em;overflow:hidden;text-overflow:ellipsis}
#matrix-table th.fam{background:#f6f8fa}
form.filters{display:flex;flex-wrap:wrap;gap:.5em 1em;align-items:end;margin:.6em 0}
form.filters label{display:flex;flex-direction:column;font-size:.85em;color:#59636e}
form.filters input,form.filters select{font:inherit;padding:.25em .4em;min-width:9em;
 max-width:100%}
@media (max-width:600px){body{font-size:14px;padding:0 .6em 2em}
 .bar-row{grid-template-columns:1fr}.bar-value{grid-column:1}
 .headline .figure{font-size:2.1em}}
]]

-- Sorting and filtering of the family table; the page works without it.
local SCRIPT = [[
(function(){
var t=document.getElementById("family-table");if(!t)return;
var bodies=[].slice.call(t.tBodies),f=document.getElementById("family-filters");
var out=document.getElementById("family-count");f.hidden=false;
function has(list,w){return (" "+list+" ").indexOf(" "+w+" ")>=0;}
function apply(){
 var words=f.elements.q.value.toLowerCase().split(/\s+/).filter(Boolean),n=0;
 var fw=f.elements.fw.value,ph=f.elements.phase.value,im=f.elements.impl.value;
 bodies.forEach(function(b){
  var d=b.dataset,ok=words.every(function(w){return d.text.indexOf(w)>=0;})&&
   (!fw||has(d.fw,fw))&&(!ph||d.phase===ph)&&(!im||has(d.impl,im));
  b.hidden=!ok;if(ok)n++;});
 out.textContent=n+" of "+bodies.length+" families shown";}
f.addEventListener("input",apply);f.addEventListener("change",apply);
f.addEventListener("submit",function(e){e.preventDefault();});
var ths=[].slice.call(t.tHead.rows[0].cells);
ths.forEach(function(th,i){
 var b=document.createElement("button");b.type="button";b.className="sort";
 while(th.firstChild)b.appendChild(th.firstChild);th.appendChild(b);th.setAttribute("aria-sort","none");
 b.addEventListener("click",function(){
  var dir=th.getAttribute("aria-sort")==="ascending"?-1:1,num=th.classList.contains("num");
  ths.forEach(function(h){h.setAttribute("aria-sort","none");});
  th.setAttribute("aria-sort",dir>0?"ascending":"descending");
  bodies.sort(function(a,c){
   var x=a.rows[0].cells[i].dataset.v,y=c.rows[0].cells[i].dataset.v,r;
   r=num?parseFloat(x)-parseFloat(y):(x<y?-1:x>y?1:0);
   if(r===0)r=a.dataset.name<c.dataset.name?-1:a.dataset.name>c.dataset.name?1:0;
   return r*dir;});
  bodies.forEach(function(b){t.appendChild(b);});});});
apply();
})();
]]

-- Effective status of a report test line on each arch (nil: it does not
-- run there), and its best over the arches. Without arches (an input that
-- names none) the line's summary status stands for all.
local function arch_statuses(v, arches)
  local per, best = {}, nil
  if #arches == 0 then return { ["*"] = v.status }, v.status end
  for _, a in ipairs(arches) do
    local st = v.arch_status[a]
    if st == nil then st = v.status_elsewhere end
    if not null(st) then
      per[a] = st
      best = better(best, st)
    end
  end
  return per, best
end

local function chip(st, text)
  return ('<span class="st %s" title="%s">%s</span>'):format(CLASS[st] or "none", esc(st),
    esc(text or st))
end

-- "EXPECTED_PASSING n150, p150 · NOT_SUPPORTED_SKIP n300": arches grouped
-- by their status; "every arch" when they agree.
local function per_arch_html(per, arches)
  if per["*"] then return chip(per["*"]) .. " every arch" end
  local by, n = {}, 0
  for _, a in ipairs(arches) do
    local st = per[a] or "not run"
    by[st] = by[st] or {}
    table.insert(by[st], a)
    n = n + 1
  end
  local parts = {}
  local order = { table.unpack(RANK) }
  order[#order + 1] = "not run"
  for _, st in ipairs(order) do
    if by[st] then
      parts[#parts + 1] = chip(st) .. " " .. (#by[st] == n and "every arch"
        or esc(table.concat(by[st], ", ")))
    end
  end
  return table.concat(parts, " · ")
end

local function chart(r)
  local by_name = {}
  for _, f in ipairs(r.families) do by_name[f.name] = f end
  local rows = {}
  for _, fw in ipairs(r.frameworks) do
    local with, without = 0, 0
    for _, name in ipairs(r.families_tested[fw] or {}) do
      if not null(by_name[name].easydel) then with = with + 1 else without = without + 1 end
    end
    rows[#rows + 1] = { label(fw) .. " families tested", with, without, "with an EasyDeL module",
      "without" }
  end
  local s = r.summary
  rows[#rows + 1] = { "EasyDeL modules", s.easydel_modules - s.easydel_untested,
    s.easydel_untested, "tested in a framework", "untested" }
  local out = { '<figure id="coverage-chart" role="img" aria-label="Coverage per framework">',
    '<ul class="legend"><li><span class="sw seg-a"></span>with an EasyDeL module (families); '
      .. "tested (modules)</li><li><span class=\"sw seg-b\"></span>without; untested</li></ul>" }
  for _, row in ipairs(rows) do
    local n = row[2] + row[3]
    local pa = n > 0 and 100 * row[2] / n or 0
    local pb = n > 0 and 100 - pa or 0
    out[#out + 1] = ('<div class="bar-row"><div class="bar-label">%s</div><div class="bar">'
      .. '<span class="seg-a" style="width:%.2f%%"></span><span class="seg-b" style="width:%.2f%%">'
      .. '</span></div><div class="bar-value">%d %s (%.1f%%), %d %s (%.1f%%)</div></div>'):format(
      esc(row[1]), pa, pb, row[2], esc(row[4]), pa, row[3], esc(row[5]), pb)
  end
  out[#out + 1] = '<figcaption class="muted">Share of each row; the counts are the report\'s.'
    .. "</figcaption></figure>"
  return table.concat(out, "\n")
end

-- With --history: the trend (ctx.trend, rules/trend.lua's series per
-- revision) as SVG line charts, oldest revision on the left. A chart per
-- scale: the coverage figure in percent, then the family counts.
local TREND_CHARTS = {
  { id = "trend-coverage", title = "Coverage figure (%)", series = { "coverage" }, max = 100 },
  { id = "trend-families", title = "Families tested per framework, and JAX on EasyDeL",
    series = { "families_tested_jax", "families_tested_torch", "families_tested_torch_llm",
      "jax_on_easydel" } },
}
local TREND_COLORS = { "#2a7ab0", "#d9822b", "#5a9e4b", "#9b59b6" }

local function trend_chart(t, spec)
  local known = {}
  for _, s in ipairs(t.series) do known[s.name] = true end
  local names = {}
  for _, n in ipairs(spec.series) do if known[n] then names[#names + 1] = n end end
  if #names == 0 or #t.points == 0 then return "" end
  local max = spec.max or 1
  if not spec.max then
    for _, p in ipairs(t.points) do
      for _, n in ipairs(names) do max = math.max(max, p.values[n] or 0) end
    end
  end
  local left, top, width, height = 50, 20, 720, 200
  local n = #t.points
  local function x(i) return left + (n == 1 and width / 2 or (i - 1) * width / (n - 1)) end
  local function y(v) return top + height - v * height / max end
  local out = { ('<svg id="%s" role="img" width="%d" height="%d" viewBox="0 0 %d %d">'):format(
    spec.id, left + width + 20, top + height + 60 + 18 * #names, left + width + 20,
    top + height + 60 + 18 * #names),
    ("<title>%s</title>"):format(esc(spec.title)),
    ('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999"/>'):format(left, top + height,
      left + width, top + height),
    ('<text x="%d" y="%d" text-anchor="end">%s</text>'):format(left - 6, top + 5,
      esc(trend_display(max))),
    ('<text x="%d" y="%d" text-anchor="end">0</text>'):format(left - 6, top + height + 5),
    ('<text x="%d" y="%d">%s</text>'):format(left, top + height + 20,
      esc((t.points[1].date or ""):sub(1, 10))),
    ('<text x="%d" y="%d" text-anchor="end">%s</text>'):format(left + width, top + height + 20,
      esc((t.points[n].date or ""):sub(1, 10))) }
  for k, name in ipairs(names) do
    local pts = {}
    for i, p in ipairs(t.points) do
      local v = p.values[name]
      if v then pts[#pts + 1] = ("%.1f,%.1f"):format(x(i), y(v)) end
    end
    local color = TREND_COLORS[(k - 1) % #TREND_COLORS + 1]
    out[#out + 1] = ('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"><title>%s'
      .. '</title></polyline>'):format(color, table.concat(pts, " "), esc(name))
    local ly = top + height + 28 + 18 * k
    out[#out + 1] = ('<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d">'
      .. '%s (last: %s)</text>'):format(left, ly - 11, color, left + 18, ly, esc(name),
      esc(trend_display(t.points[n].values[name])))
  end
  out[#out + 1] = "</svg>"
  return table.concat(out, "\n")
end

-- The trend section, or "" without a history.
local function trend_section(t)
  if not (t and t.history) then return "" end
  local out = { ('<section><h2 id="trend">Coverage over time (%d revisions)</h2>\n'):format(
    #t.points) }
  -- In a scrolling box each, as the tables: a chart is wider than a phone.
  for _, spec in ipairs(TREND_CHARTS) do
    out[#out + 1] = '<div class="scroll">' .. trend_chart(t, spec) .. "</div>\n"
  end
  out[#out + 1] = "</section>\n"
  return table.concat(out)
end

return {
  -- The expandable families list each test.
  needs_tests = true,
  -- The trend chart appears when a history is loaded (--history).
  needs_trend = "history",
  render = function(r, ctx)
    local o = {}
    local function add(fmt, ...) o[#o + 1] = select("#", ...) > 0 and fmt:format(...) or fmt end
    local s = r.summary
    local arches = r.arches or {}
    local roots = md.roots(r.inputs)
    -- Rule locations relative to the rules directory ("phases.lua:73").
    local rule_roots = {}
    for _, d in ipairs(cov.rule_dirs or {}) do rule_roots[#rule_roots + 1] = { path = d } end
    if cov.rules_file then
      local d = cov.rules_file:match("^(.*)/[^/]*$")
      if d then table.insert(rule_roots, 1, { path = d }) end
    end
    local function rule_rel(where) return md.relative(where, rule_roots) end
    local by_name = {}
    for _, f in ipairs(r.families) do by_name[f.name] = f end

    add('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n')
    add('<meta name="viewport" content="width=device-width, initial-scale=1">\n')
    add('<link rel="icon" href="data:,">\n')
    add("<title>EasyDeL model coverage</title>\n<style>%s</style></head><body>\n", STYLE)
    add("<header><h1>EasyDeL model coverage</h1>\n<p class=\"muted\">covengine %s. Policy: %s.</p>\n",
      esc(cov.version), esc(r.policy))
    local note = md.roots_note(roots):gsub("`", ""):gsub("%s+$", "")
    add("%s</header>\n", #roots > 0 and ('<p class="muted">' .. esc(note) .. "</p>") or "")

    local toc = {
      { "summary", "Summary" }, { "families", "Families" }, { "matrix", "Status matrix" },
      { "untested", "EasyDeL modules no config tests" }, { "phases", "Implementation recommendations" },
      { "listed", "Families listed, not running" },
    }
    if not null(r.tt_forge_models) then toc[#toc + 1] = { "started", "EasyDeL integration started" } end
    toc[#toc + 1] = { "planned", "Planned models" }
    if ctx and ctx.trend and ctx.trend.history then toc[#toc + 1] = { "trend", "Coverage over time" } end
    toc[#toc + 1] = { "unmatched", "Unmatched families" }
    add('<nav id="toc" aria-label="Contents"><b>Contents</b><ol>\n')
    for _, t in ipairs(toc) do add('<li><a href="#%s">%s</a></li>\n', t[1], esc(t[2])) end
    add("</ol></nav>\n")

    -- Summary: the headline figure first, as coverage.py's TOTAL.
    add('<section id="summary"><h2>Summary</h2>\n')
    local fig = r.figure
    if not null(fig) then
      add('<p class="headline" id="headline"><span class="figure">%s%%</span><span>%s (%d of %d)'
        .. "</span></p>\n", esc(fig.display), esc(fig.text), fig.covered, fig.total)
    else
      add('<p class="headline" id="headline"><span>Coverage not judged: %s</span></p>\n',
        null(r.easydel) and "no EasyDeL inventory loaded (give --easydel PATH)"
        or "the rules define no gate figure")
    end
    add('<ul class="cards" id="summary-cards">\n')
    local function card(n, text) add("<li><b>%d</b>%s</li>\n", n, esc(text)) end
    for _, fw in ipairs(r.frameworks) do
      card(s.families_by_framework[fw] or 0, label(fw) .. " families tested")
    end
    if not null(r.easydel) then card(s.easydel_modules, "EasyDeL modules") end
    card(s.with_easydel, "tested families EasyDeL implements")
    card(s.without_easydel, "tested families without an EasyDeL implementation")
    card(s.easydel_untested, "EasyDeL modules no config tests")
    card(s.listed_not_running, "families listed, not running")
    card(s.unmatched, "unmatched raw families")
    card(s.tests, "test entries")
    add("</ul>\n%s\n</section>\n", chart(r))

    -- The family table: one tbody per family, its row and its details.
    local ncols = 3 + #r.frameworks + 2
    add('<section id="families"><h2>Families (%d)</h2>\n', #r.families)
    add('<form class="filters" id="family-filters" hidden><label>Search<input name="q" type="search" '
      .. 'placeholder="family, module, test id"></label>\n<label>Framework<select name="fw">'
      .. '<option value="">any</option>')
    for _, fw in ipairs(r.frameworks) do add('<option value="%s">%s</option>', esc(fw), esc(label(fw))) end
    add('<option value="none">none (EasyDeL only)</option></select></label>\n'
      .. '<label>Phase<select name="phase">'
      .. '<option value="">any</option>')
    for _, p in ipairs(r.phases) do
      add('<option value="%d">%d. %s</option>', p.number, p.number, esc(p.name))
    end
    add('<option value="none">no phase</option></select></label>\n<label>Implementation<select name="impl">'
      .. '<option value="">any</option><option value="yes">EasyDeL implements it</option>'
      .. '<option value="no">no EasyDeL implementation</option>')
    -- With a tt-forge-models tree the report knows what the tests run.
    if not null(r.tt_forge_models) then
      add('<option value="runs">its tests run EasyDeL</option>'
        .. '<option value="other">its tests run something else</option>')
    end
    add('</select></label>\n<output id="family-count" class="muted"></output></form>\n')
    add('<div class="scroll"><table id="family-table"><thead><tr><th>Family</th><th>EasyDeL module</th>'
      .. '<th class="num">Phase</th>')
    for _, fw in ipairs(r.frameworks) do add("<th>%s</th>", esc(label(fw))) end
    add('<th class="num">Tests</th><th class="num">Variants</th></tr></thead>\n')
    local combos, combo_seen = {}, {}
    local matrix = {} -- family -> combo key -> {best, n}
    for _, f in ipairs(r.families) do
      local words = { f.name }
      for _, n in ipairs(f.raw_names) do words[#words + 1] = n end
      if not null(f.easydel) then words[#words + 1] = f.easydel end
      local fws, tests, variants = {}, 0, 0
      local cells = {}
      local detail = {}
      matrix[f.name] = {}
      for _, fw in ipairs(r.frameworks) do
        local fe = f.frameworks[fw]
        if fe then
          fws[#fws + 1] = fw
          tests, variants = tests + fe.count, variants + fe.variant_count
          local best
          local rows = {}
          for _, v in ipairs(fe.variants or {}) do
            words[#words + 1] = v.id
            local per, b = arch_statuses(v, arches)
            best = better(best, b)
            local rm = null(v.run_mode) and "–" or v.run_mode
            local par = null(v.parallelism) and "–" or v.parallelism
            local key = fw .. "\0" .. rm .. "\0" .. par
            if not combo_seen[key] then
              combo_seen[key] = { fw = fw, run_mode = rm, parallelism = par }
              combos[#combos + 1] = key
            end
            local m = matrix[f.name][key] or { n = 0 }
            m.n = m.n + 1
            m.best = better(m.best, b)
            m.any = true
            matrix[f.name][key] = m
            rows[#rows + 1] = ('<tr><td class="mono">%s</td><td>%s</td><td>%s</td><td>%s%s</td>'
              .. '<td>%s</td><td class="mono">%s</td><td class="mono">%s:%d</td></tr>'):format(
              esc(v.id), esc(rm), esc(par), b and "" or (chip(v.status) .. " runs on no arch; "),
              per_arch_html(per, arches), null(v.source) and "–" or esc(v.source),
              null(v.checkpoint) and "–" or esc(v.checkpoint), esc(md.relative(v.file, roots)),
              v.line)
          end
          local impl = null(fe.implementation) and ""
            or (' <span class="muted">[%s]</span>'):format(esc(fe.implementation))
          local sortv
          if fe.tested then
            sortv = (10 - (POS[best] or 9)) * 100000 + fe.count
            cells[#cells + 1] = ('<td class="fw" data-v="%d"><span class="n">%s %s</span>%s</td>')
              :format(sortv, chip(best or "UNSPECIFIED", CLASS[best] or "tested"),
                count(fe.count, "test"), impl)
          else
            sortv = fe.count
            cells[#cells + 1] = ('<td class="fw" data-v="%d"><span class="n">%s %s</span>%s</td>')
              :format(sortv, chip(best or "NOT_SUPPORTED_SKIP", "not running"),
                count(fe.count, "test"), impl)
          end
          if #rows > 0 then
            detail[#detail + 1] = ('<p class="muted">%s: %s</p><div class="scroll">'
              .. '<table class="var"><thead><tr><th>Test</th><th>Run mode</th><th>Parallelism</th>'
              .. "<th>Effective status per arch</th><th>Loader source</th><th>Checkpoint</th>"
              .. "<th>Where</th></tr></thead><tbody>%s</tbody></table></div>"):format(
              esc(label(fw)), count(#rows, "test"), table.concat(rows))
          end
        else
          cells[#cells + 1] = '<td data-v="-1" class="muted">–</td>'
        end
      end
      local phase = not null(f.phase) and f.phase or nil
      -- data-impl: "yes"/"no" (an EasyDeL module), then "runs" when some
      -- framework's tests run EasyDeL, "other" when they are known to run
      -- something else only.
      local impl = { null(f.easydel) and "no" or "yes" }
      local runs, known = false, false
      for _, fe in pairs(f.frameworks) do
        if not null(fe.implementation) and fe.implementation ~= "unknown" then
          known = true
          runs = runs or ((fe.sources or {}).EASYDEL or 0) > 0
        end
      end
      if runs then impl[2] = "runs" elseif known then impl[2] = "other" end
      add('<tbody class="fam" data-name="%s" data-text="%s" data-fw="%s" data-phase="%s" '
        .. 'data-impl="%s">\n', esc(f.name), esc(table.concat(words, " "):lower()),
        #fws > 0 and table.concat(fws, " ") or "none", phase and phase.number or "none",
        table.concat(impl, " "))
      add('<tr><td data-v="%s"><b>%s</b></td><td data-v="%s">%s</td><td class="num" data-v="%d">%s</td>',
        esc(f.name), breakable(f.name), null(f.easydel) and "~" or esc(f.easydel),
        null(f.easydel) and '<span class="muted">–</span>' or breakable(f.easydel)
          .. (#f.missing_tasks > 0 and breakable(" (lacks " .. table.concat(f.missing_tasks, ", ")
            .. ")") or ""),
        phase and phase.number or 99, phase and phase.number or "–")
      add("%s", table.concat(cells))
      add('<td class="num" data-v="%d">%d</td><td class="num" data-v="%d">%d</td></tr>\n', tests,
        tests, variants, variants)
      -- The details: phase rule, aliases, then each framework's tests.
      local info = {}
      if phase then
        info[#info + 1] = ("<p>Phase %d, %s (rule <code>%s</code>)</p>"):format(phase.number,
          esc(phase.name), esc(rule_rel(phase.rule)))
      else
        info[#info + 1] = "<p>No phase.</p>"
      end
      local al = {}
      for _, a in ipairs(f.aliases or {}) do
        al[#al + 1] = ("<li><code>%s</code> → %s: %s%s</li>"):format(esc(a.raw), esc(f.name),
          esc(a.reason), null(a.rule) and (" (" .. esc(a.how) .. ")")
            or (" (rule <code>" .. esc(rule_rel(a.rule)) .. "</code>)"))
      end
      if #al > 0 then info[#info + 1] = "<p>Aliases:</p><ul>" .. table.concat(al) .. "</ul>" end
      add('<tr class="more"><td colspan="%d"><details><summary>%s<span class="muted"> · %s</span>'
        .. '</summary><div class="detail">%s%s</div></details></td></tr>\n</tbody>\n', ncols,
        tests > 0 and (count(tests, "test") .. ", " .. count(variants, "variant")) or "no tests",
        tests > 0 and "status per arch, loaders, alias and phase rules" or "alias and phase rules",
        table.concat(info), table.concat(detail))
    end
    add("</table></div>\n</section>\n")

    -- The matrix: tested or listed families x (framework, run mode, parallelism).
    local fwpos = {}
    for i, fw in ipairs(r.frameworks) do fwpos[fw] = i end
    table.sort(combos, function(a, b)
      local x, y = combo_seen[a], combo_seen[b]
      if x.fw ~= y.fw then return (fwpos[x.fw] or 99) < (fwpos[y.fw] or 99) end
      if x.run_mode ~= y.run_mode then return x.run_mode < y.run_mode end
      return x.parallelism < y.parallelism
    end)
    add('<section id="matrix"><h2>Status matrix</h2>\n<p>Each cell: the best effective status of '
      .. "a family's tests in that framework, run mode and parallelism, on any arch (the count is "
      .. "its tests there).</p>\n")
    add('<ul class="legend">')
    for _, st in ipairs(RANK) do add("<li>%s</li>", chip(st)) end
    add('<li>%s</li></ul>\n', chip("none", "runs on no arch"))
    -- Two header rows: the framework over its columns, then run mode and
    -- parallelism in short (the full words in the title) so that the
    -- matrix fits a laptop screen.
    add('<p class="muted">%s.</p>\n', esc(table.concat((function()
      local words = {}
      for _, w in ipairs { "inference", "training" } do words[#words + 1] = SHORT[w] .. " " .. w end
      for _, w in ipairs { "single_device", "data_parallel", "tensor_parallel" } do
        words[#words + 1] = SHORT[w] .. " " .. w
      end
      return words
    end)(), ", ")))
    add('<div class="scroll"><table id="matrix-table"><thead><tr><th class="fam" rowspan="2">Family</th>')
    local i = 1
    while i <= #combos do
      local fw, n = combo_seen[combos[i]].fw, 0
      while combos[i + n] and combo_seen[combos[i + n]].fw == fw do n = n + 1 end
      add('<th class="fwh" colspan="%d">%s</th>', n, esc(label(fw)))
      i = i + n
    end
    add("</tr><tr>")
    for _, k in ipairs(combos) do
      local c = combo_seen[k]
      add('<th class="combo" title="%s, %s, %s">%s<br>%s</th>', esc(label(c.fw)), esc(c.run_mode),
        esc(c.parallelism), esc(SHORT[c.run_mode] or c.run_mode),
        esc(SHORT[c.parallelism] or c.parallelism))
    end
    add("</tr></thead><tbody>\n")
    for _, f in ipairs(r.families) do
      local m = matrix[f.name]
      if next(m) then
        add('<tr><td class="fam" title="%s">%s</td>', esc(f.name), esc(f.name))
        for _, k in ipairs(combos) do
          local c = m[k]
          if c then
            add('<td class="%s" title="%s">%d</td>', CLASS[c.best] or "none",
              esc(c.best or "runs on no arch"), c.n)
          else
            add("<td></td>")
          end
        end
        add("</tr>\n")
      end
    end
    add("</tbody></table></div>\n</section>\n")

    add('<section id="untested"><h2>EasyDeL modules no config tests (%d)</h2>\n', s.easydel_untested)
    add('<div class="scroll"><table id="easydel-untested"><thead><tr><th>Module</th><th>Type</th>'
      .. "<th>Planned</th></tr></thead><tbody>\n")
    for _, u in ipairs(r.easydel_untested) do
      add("<tr><td>%s</td><td>%s</td><td>%s</td></tr>\n", esc(u.module),
        null(u.type) and "" or esc(u.type), esc(table.concat(u.planned or {}, ", ")))
    end
    add("</tbody></table></div>\n</section>\n")

    add('<section id="phases"><h2>Implementation recommendations</h2>\n')
    for _, p in ipairs(r.phases) do
      add("<h3>Phase %d: %s (%d)</h3>\n<p>%s <span class=\"muted\">(rule <code>%s</code>)</span></p>\n",
        p.number, esc(p.name), #p.families, esc(p.summary), esc(rule_rel(p.rule)))
      if #p.families > 0 then
        add("<ol>\n")
        for _, n in ipairs(p.families) do
          local f = by_name[n]
          local parts = {}
          for _, fw in ipairs(r.frameworks) do
            local fe = f.frameworks[fw]
            if fe then
              local counts = {}
              for _, st in ipairs(RANK) do
                if fe.status_counts[st] then
                  counts[#counts + 1] = chip(st, fe.status_counts[st] .. " " .. CLASS[st])
                end
              end
              parts[#parts + 1] = ("%s%s: %s"):format(esc(label(fw)),
                fe.tested and "" or " (listed, not running)",
                table.concat(counts, " "))
            end
          end
          add("<li><b>%s</b>%s%s</li>\n", esc(n), null(f.group) and "" or (" [" .. esc(f.group) .. "]"),
            #parts > 0 and (" — " .. table.concat(parts, "; ")) or "")
        end
        add("</ol>\n")
      end
    end
    add("</section>\n")

    add('<section id="listed"><h2>Families listed, not running (%d)</h2>\n<ul>\n', s.listed_not_running)
    for _, l in ipairs(r.listed_not_running) do
      local f = by_name[l.family]
      local parts = {}
      for _, fw in ipairs(l.frameworks) do
        local counts = {}
        for _, st in ipairs(RANK) do
          local c = f.frameworks[fw].status_counts[st]
          if c then counts[#counts + 1] = ("%d %s"):format(c, st) end
        end
        parts[#parts + 1] = ("%s %s"):format(label(fw), table.concat(counts, ", "))
      end
      add("<li><b>%s</b>: %s</li>\n", esc(l.family), esc(table.concat(parts, "; ")))
    end
    add("</ul>\n</section>\n")

    if not null(r.tt_forge_models) then
      add('<section id="started"><h2>EasyDeL integration started, no test (%d)</h2>\n'
        .. '<ul id="integration-started">\n',
        s.integration_started)
      for _, l in ipairs(r.integration_started) do
        add("<li><b>%s</b> (%s): %s <span class=\"muted\">%s:%d</span></li>\n", esc(l.family),
          esc(l.loader), esc(table.concat(l.variants, ", ")), esc(md.relative(l.file, roots)), l.line)
      end
      add("</ul>\n</section>\n")
    end
    add('<section id="planned"><h2>Planned models (%d)</h2>\n<ul>\n', s.planned)
    for _, p in ipairs(r.planned) do
      add("<li>%s: %s</li>\n", esc(p.name), null(p.easydel) and "no EasyDeL module"
        or ("EasyDeL " .. esc(p.easydel)))
    end
    add("</ul>\n</section>\n")

    add(trend_section(ctx and ctx.trend))

    add('<section id="unmatched"><h2>Unmatched families (%d)</h2>\n<ul>\n', s.unmatched)
    for _, u in ipairs(r.unmatched) do
      add("<li>%s%s</li>\n", esc(u.name), #u.suggestions > 0
        and esc(" — did you mean " .. table.concat(u.suggestions, ", ") .. "?") or "")
    end
    add("</ul>\n</section>\n<script>%s</script>\n</body></html>\n", SCRIPT)
    return table.concat(o)
  end,
}
