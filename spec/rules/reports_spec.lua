-- The four report formats of rules/reports/ over the same inputs: each
-- renders, and they agree with each other and with their own summaries.
local h = require "helpers"
local read = h.read
local count_lines, section = h.count_lines, h.section
local cov = require "covengine"
local validate = require "jsonschema"

local TINY = { "--tt-xla", "tests/fixtures/rules/tiny", "--easydel",
  "tests/fixtures/rules/tiny/easydel.json" }

local function render(inputs, format, extra)
  local args = {}
  for _, a in ipairs(inputs) do args[#args + 1] = a end
  for _, a in ipairs(extra or {}) do args[#args + 1] = a end
  for _, a in ipairs { "-q", "--format", format, "rules/phases.lua" } do args[#args + 1] = a end
  local code, out, err = h.run(args)
  assert.are.equal(0, code, err)
  return out
end

local SCHEMA = h.schema("covengine.report-1.schema.json")

-- Every input set the specs render: the snapshot, the tiny tree, and the
-- two real snapshots when they are present.
local INPUTS = { snapshot = {}, tiny = TINY }
if h.have_shared("tt-xla/tt-xla-2026-08-21") then
  INPUTS.real_2026 = { "--tt-xla", h.shared .. "/tt-xla/tt-xla-2026-08-21",
    "--easydel", h.shared .. "/easydel/easydel-2026-04-22.json" }
  INPUTS.real_2025 = { "--tt-xla", h.shared .. "/tt-xla/tt-xla-2025-10-31",
    "--easydel", h.shared .. "/easydel/easydel-2025-09-15.json" }
  if h.have_shared("tt-forge-models/tt-forge-models-2026-08-21") then
    INPUTS.real_2026_forge = { "--tt-xla", h.shared .. "/tt-xla/tt-xla-2026-08-21",
      "--tt-forge-models", h.shared .. "/tt-forge-models/tt-forge-models-2026-08-21",
      "--easydel", h.shared .. "/easydel/easydel-2026-04-22.json" }
  end
end

for name, inputs in pairs(INPUTS) do
  describe("reports on " .. name, function()
    local json = render(inputs, "json")
    local r = cov.json.decode(json)

    it("lists each family's alias mappings in one order: own name, raw family, rule", function()
      -- A raw family several rules map into one family (deepseek: Llama by
      -- two rules) once came out in hash order, run to run.
      for _, f in ipairs(r.families) do
        for i = 2, #f.aliases do
          local a, b = f.aliases[i - 1], f.aliases[i]
          local function key(m)
            return { m.raw == f.name and 0 or 1, m.raw,
              tostring(m.rule ~= cov.json.null and m.rule or m.how) }
          end
          local ka, kb = key(a), key(b)
          local le = ka[1] < kb[1] or (ka[1] == kb[1] and (ka[2] < kb[2]
            or (ka[2] == kb[2] and ka[3] <= kb[3])))
          assert.is_true(le, ("%s: %s %s / %s %s"):format(f.name, ka[2], ka[3], kb[2], kb[3]))
        end
      end
    end)

    it("writes JSON that validates against covengine.report/1", function()
      assert.are.same({}, validate(SCHEMA, r))
      local tampered = cov.json.decode(json) -- the validator does reject
      tampered.summary.families = "many"
      tampered.families[1].frameworks = nil
      assert.are.equal(2, #validate(SCHEMA, tampered))
      assert.are.equal("covengine.report/1", r.schema)
      assert.are.equal(#r.families, r.summary.families)
    end)

    it("writes Markdown whose numbers are the report's", function()
      local md = render(inputs, "markdown")
      local s = r.summary
      assert.truthy(md:find(("**Tested families EasyDeL implements**: %d\n"):format(s.with_easydel),
        1, true))
      local with = section(md, ("## Families with EasyDeL implementations (%d)"):format(s.with_easydel))
      assert.are.equal(s.with_easydel, count_lines(with, "\n| %*%*"))
      local untested = section(md, ("## EasyDeL families no config tests (%d)"):format(
        s.easydel_untested))
      assert.are.equal(s.easydel_untested, count_lines(untested, "\n| %*%*"))
      local without = section(md, ("## Families tested without an EasyDeL implementation (%d)")
        :format(s.without_easydel))
      assert.are.equal(s.without_easydel, count_lines(without, "\n%- %*%*"))
      for _, p in ipairs(r.phases) do
        assert.truthy(md:find(("### Phase %d: %s (%d)"):format(p.number, p.name, #p.families), 1,
          true))
      end
      assert.truthy(md:find(("## Unmatched families (%d)"):format(s.unmatched), 1, true))
      for _, u in ipairs(r.unmatched) do
        assert.truthy(md:find(u.name, 1, true))
        if #u.suggestions > 0 then
          assert.truthy(md:find(("**%s**: did you mean %s?"):format(u.name,
            table.concat(u.suggestions, ", ")), 1, true))
        end
      end
    end)

    it("writes one CSV row per family and framework, then the TOTAL row", function()
      local csv = render(inputs, "csv")
      local rows = {}
      for line in csv:gmatch("(.-)\r\n") do rows[#rows + 1] = line end
      local want = 2 -- header, TOTAL
      for _, f in ipairs(r.families) do
        local n = 0
        for _ in pairs(f.frameworks) do n = n + 1 end
        want = want + math.max(n, 1)
      end
      assert.are.equal(want, #rows)
      assert.truthy(rows[1]:find("^family,framework,tested,tests,variants,"))
      assert.truthy(rows[1]:find(",coverage$"))
      for _, u in ipairs(r.unmatched) do
        if #u.suggestions > 0 then
          assert.truthy(csv:find(table.concat(u.suggestions, " "), 1, true))
        end
      end
    end)

    -- Item 3 of issue 13: the gate figure in every report's summary, as
    -- coverage.py puts TOTAL in each of its reports.
    describe("the gate figure", function()
      local fig = r.figure
      it("is in the JSON, as --format total prints it", function()
        local total = render(inputs, "total")
        assert.are.equal("table", type(fig))
        assert.are.equal(total, fig.display .. "\n")
        assert.are.equal(r.summary.easydel_modules - r.summary.easydel_untested, fig.covered)
        assert.are.equal(r.summary.easydel_modules, fig.total)
        assert.are.equal(("%.2f"):format(100 * fig.covered / fig.total), fig.display)
      end)
      it("heads the Markdown's executive summary", function()
        local md = render(inputs, "markdown")
        local summary = section(md, "## Executive summary")
        assert.truthy(summary:find(("\n\n- **%s: %s%%** %s (%d of %d)\n"):format(fig.name,
          fig.display, fig.text, fig.covered, fig.total), 1, true), summary)
      end)
      it("is the HTML page's headline", function()
        local html = render(inputs, "html")
        local headline = html:match('<p class="headline" id="headline">(.-)</p>')
        assert.truthy(headline, "no headline")
        assert.truthy(headline:find('<span class="figure">' .. fig.display .. "%</span>", 1, true),
          headline)
      end)
      it("is the CSV's TOTAL row", function()
        local csv = render(inputs, "csv")
        local last = csv:match("([^\n]*)\r\n$")
        assert.are.equal("TOTAL,,," .. r.summary.tests, last:match("^TOTAL,,,%d+"))
        assert.are.equal(fig.display, last:match(",([%d.]+)$"))
      end)
      it("heads the summary", function()
        local sum = render(inputs, "summary")
        assert.are.equal(("### EasyDeL model coverage: %s%%\n"):format(fig.display),
          sum:match("^[^\n]*\n"))
      end)
    end)

    it("writes Markdown for CI: relative paths, folded lists, short cells", function()
      local md = render(inputs, "markdown")
      for _, i in ipairs(r.inputs) do
        if i.kind == "test_config" and i.path:find("/", 1, true) then
          assert.is_nil(md:find("`" .. i.path .. "`", 1, true), i.path)
        end
      end
      local open, close = h.count_lines(md, "<details>"), h.count_lines(md, "</details>")
      assert.are.equal(open, close)
      for line in md:gmatch("[^\n]+") do
        if line:find("^|") then
          for c in line:gsub("\\|", "\1"):gmatch("|([^|]*)") do
            assert.is_true(utf8.len(c) <= 302, c)
          end
        end
      end
      if #r.families > 30 then assert.truthy(open > 0) end
    end)

    it("writes a compact summary for job summaries", function()
      local sum = render(inputs, "summary")
      assert.is_true(#sum < 3000, #sum)
      for _, p in ipairs(r.phases) do
        assert.truthy(sum:find(("| %d. %s | %d |"):format(p.number, p.name, #p.families), 1, true))
      end
      assert.truthy(sum:find(("| Test entries | %d |"):format(r.summary.tests), 1, true))
    end)

    it("writes a self-contained HTML dashboard with every family", function()
      local html = render(inputs, "html")
      assert.truthy(html:find("^<!DOCTYPE html>"))
      assert.truthy(html:find('<meta name="viewport" content="width=device-width, initial-scale=1">',
        1, true))
      assert.truthy(html:find('<figure id="coverage-chart"', 1, true))
      assert.truthy(html:find('<nav id="toc"', 1, true))
      local body = html:match('<table id="family%-table">(.-)</table></div>\n</section>')
      assert.are.equal(#r.families, count_lines(body, '<tbody class="fam"'))
      assert.are.equal(#r.families, count_lines(body, "<details>"))
      -- every test line of a framework's families, one row each
      local tests = 0
      for _, f in ipairs(r.families) do
        for _, fe in pairs(f.frameworks) do tests = tests + fe.count end
      end
      assert.are.equal(tests, count_lines(body, '<tr><td class="mono">'))
      -- nothing fetched from elsewhere: no URL at all, no external script
      assert.is_nil(html:find("https?://"))
      assert.is_nil(html:find("<script src", 1, true))
      assert.are.equal(1, count_lines(html, "<script>"))
      for _, u in ipairs(r.unmatched) do
        assert.truthy(html:find("<li>" .. u.name, 1, true))
        if #u.suggestions > 0 then
          assert.truthy(html:find(" did you mean " .. table.concat(u.suggestions, ", "), 1, true))
        end
      end
      -- phase rules relative to the rules directory
      for _, p in ipairs(r.phases) do
        assert.truthy(html:find("(rule <code>" .. p.rule:gsub("^rules/", "") .. "</code>)", 1, true),
          p.rule)
      end
    end)
  end)
end

describe("report formats", function()
  it("rejects an unknown format naming where it looked", function()
    local code, out, err = h.run { "--format", "nope", "rules/phases.lua" }
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.truthy(err:find("^covengine: unknown report format 'nope': no reports/nope.lua in rules "
      .. "%(formats: "), err)
  end)

  it("say the figure is not judged without an EasyDeL inventory", function()
    local inputs = { "--tt-xla", "tests/fixtures/rules/tiny" }
    assert.are.equal(cov.json.null, cov.json.decode(render(inputs, "json")).figure)
    assert.truthy(render(inputs, "markdown"):find("\n- **coverage: not judged**: no EasyDeL "
      .. "inventory loaded\n", 1, true))
    assert.truthy(render(inputs, "html"):find("Coverage not judged: no EasyDeL inventory", 1, true))
    assert.truthy(render(inputs, "csv"):find("\r\nTOTAL,,,11,[,]*\r\n$"))
    assert.truthy(render(inputs, "summary"):find("Coverage not judged: no EasyDeL inventory", 1,
      true))
  end)

  it("matches the golden Markdown and JSON of the built-in snapshot", function()
    assert.are.equal(read("spec/golden/snapshot.md"), render({}, "markdown"))
    assert.are.equal(read("spec/golden/snapshot.json"), render({}, "json"))
  end)
end)
