-- --format diff and diff-json between two revisions: on the fixture pair
-- (tests/fixtures/diff, every expected change written next to its entry) and,
-- when present, the real snapshots 2025-10-31 (base) and 2026-08-21 (head).
-- The base from a base dataset and from a --baseline report give the same
-- diff; the Markdown shows the JSON's numbers; the JSON fits its schema.
-- tests/scripts/compare_diff.py recomputes the real diff from the YAML.
local h = require "helpers"
local read = h.read
local count_lines, section = h.count_lines, h.section
local cov = require "covengine"
local validate = require "jsonschema"

local FIX = "tests/fixtures/diff/"
local PAIR = { "--base-tt-xla", FIX .. "base", "--tt-xla", FIX .. "head", "--easydel",
  FIX .. "easydel.json" }

local function run(args, format, want_code)
  local all = { "-q" }
  for _, a in ipairs(args) do all[#all + 1] = a end
  for _, a in ipairs { "--format", format, "rules/phases.lua" } do all[#all + 1] = a end
  local code, out, err = h.run(all)
  assert.are.equal(want_code or 0, code, err)
  return out, err
end

-- The schema with its "$ref"s to #/definitions inlined (the specs'
-- validator knows no $ref).
local function resolve(schema, defs)
  defs = defs or schema.definitions
  if type(schema) ~= "table" then return schema end
  local ref = schema["$ref"]
  if ref then return resolve(defs[ref:match("^#/definitions/(.+)$")], defs) end
  local out = {}
  for k, v in pairs(schema) do out[k] = resolve(v, defs) end
  return setmetatable(out, getmetatable(schema))
end
local SCHEMA = resolve(cov.json.decode(read("docs/schemas/covengine.diff-1.schema.json")))

local function plain(list)
  local t = {}
  for i, v in ipairs(list) do t[i] = v end
  return t
end

-- The Markdown's numbers are the JSON's, and each section lists as many
-- lines as it says.
local function check_markdown(md, d)
  local s = d.summary
  local function total(t)
    local n = 0
    for _, v in pairs(t) do n = n + v end
    return n
  end
  assert.truthy(md:find(("- **Tests**: %d added, %d removed, %d promoted, %d regressed (%d "
    .. "paired with a renamed id)\n"):format(s.tests_added, s.tests_removed, s.tests_promoted,
    s.tests_regressed, s.tests_renamed), 1, true))
  assert.truthy(md:find(("- **Tests on one arch**: %d promoted, %d regressed\n"):format(
    s.arch_promoted, s.arch_regressed), 1, true))
  assert.truthy(md:find(("- **Families gained**: %d"):format(total(s.families_gained)), 1, true))
  assert.truthy(md:find(("- **Families lost**: %d"):format(total(s.families_lost)), 1, true))
  local promos = section(md, ("## Test promotions (%d)"):format(s.tests_promoted))
  -- one line per test, under its config file's line
  assert.are.equal(s.tests_promoted, count_lines(promos, "\n  %- `"))
  local regs = section(md, ("## Test regressions (%d)"):format(s.tests_regressed))
  assert.are.equal(s.tests_regressed, count_lines(regs, "\n  %- `"))
  local fam = section(md, ("## Family regressions (%d)"):format(s.families_regressed))
  assert.are.equal(s.families_regressed, count_lines(fam, "\n| %*%*"))
  local arch = section(md, ("## Per-arch changes (%d promoted, %d regressed)"):format(
    s.arch_promoted, s.arch_regressed))
  assert.are.equal(s.arch_promoted + s.arch_regressed, count_lines(arch, "\n| [pr]"))
  local added = section(md, ("## Tests added (%d)"):format(s.tests_added))
  local n = 0
  for c in added:gmatch("\n| %*%*[^|]*%*%* | [^|]* | (%d+) |") do n = n + tonumber(c) end
  assert.are.equal(s.tests_added, n)
  local phases = section(md, ("## Phase changes (%d)"):format(s.phase_changes))
  assert.are.equal(s.phase_changes, count_lines(phases, "\n| %*%*"))
  local g = d.figures.gate
  assert.truthy(md:find(("| **%s %s** | %s%% | %s%% |"):format(g.name, g.text, g.base_display,
    g.head_display), 1, true))
end

describe("the diff of the fixture pair", function()
  local json = run(PAIR, "diff-json")
  local d = cov.json.decode(json)

  it("fits covengine.diff/1", function()
    assert.are.same({}, validate(SCHEMA, d))
    assert.are.equal("covengine.diff/1", d.schema)
    local tampered = cov.json.decode(json)
    tampered.summary.tests_added = "one"
    tampered.tests.promoted[1].to = "PASSING"
    assert.are.equal(2, #validate(SCHEMA, tampered))
  end)

  it("reports what the fixture's comments say", function()
    local s = d.summary
    assert.are.same({ jax = 2 }, s.families_gained)
    assert.are.same({ "bert", "mistral" }, plain(d.families.gained.jax))
    assert.are.same({ "gpt2" }, plain(d.families.lost.jax))
    assert.are.same({ "mistral" }, plain(d.modules.newly_tested))
    assert.are.same({ "gpt2" }, plain(d.modules.no_longer_tested))
    local promoted = {}
    for _, t in ipairs(d.tests.promoted) do promoted[t.id] = t.from .. ">" .. t.to end
    assert.are.same({
      ["llama/causal_lm/jax-3B-single_device-inference"] = "KNOWN_FAILURE_XFAIL>EXPECTED_PASSING",
      ["bert/jax-Base-single_device-inference"] = "EXCLUDE_MODEL>EXPECTED_PASSING",
    }, promoted)
    assert.are.equal("llama/causal_lm/jax-3b-single_device-full-inference",
      d.tests.renamed[1].base_id)
    local regressed = {}
    for _, t in ipairs(d.tests.regressed) do regressed[t.id] = t.to end
    assert.are.same({
      ["llama/causal_lm/jax-8B-single_device-inference"] = "NOT_SUPPORTED_SKIP",
      ["t5/jax-Small-single_device-inference"] = "KNOWN_FAILURE_XFAIL",
    }, regressed)
    assert.are.same({ "opt/jax-125m-single_device-inference", "p150" },
      { d.arches.promoted[1].id, d.arches.promoted[1].arch })
    assert.are.same({ "n150", "NOT_SUPPORTED_SKIP" },
      { d.arches.regressed[1].arch, d.arches.regressed[1].to })
    assert.are.same({ "bert", "t5" }, { d.families.promoted[1].family,
      d.families.regressed[1].family })
    assert.are.same({ "mistral/causal_lm/jax-7B-single_device-inference" },
      { d.tests.added[1].id, d.tests.added[2] })
    assert.are.same({ "gpt2/causal_lm/jax-Base-single_device-inference" },
      { d.tests.removed[1].id, d.tests.removed[2] })
    assert.are.same({ "gpt2", "mistral" }, { d.phases.changed[1].family,
      d.phases.changed[2].family })
    assert.are.equal("head", d.base.easydel_from) -- no --base-easydel
    assert.are.same({ base = 6, head = 6 }, d.figures.summary.tests)
    assert.are.same({ "66.67", "66.67" }, { d.figures.gate.base_display,
      d.figures.gate.head_display })
  end)

  it("is the same from a --baseline report of the base", function()
    local base = run({ "--tt-xla", FIX .. "base", "--easydel", FIX .. "easydel.json" }, "json")
    local path = os.tmpname()
    local f = assert(io.open(path, "wb"))
    f:write(base)
    f:close()
    local from_report = cov.json.decode(run({ "--baseline", path, "--tt-xla", FIX .. "head",
      "--easydel", FIX .. "easydel.json" }, "diff-json"))
    os.remove(path)
    assert.are.equal("baseline", from_report.base.kind)
    assert.are.equal(path, from_report.base.path)
    from_report.base, d.base = nil, nil
    assert.are.same(d, from_report)
  end)

  it("is laid out in Markdown with the same numbers", function()
    check_markdown(run(PAIR, "diff"), d)
  end)

  it("uses the base's own EasyDeL inventory when given one", function()
    local own = cov.json.decode(run({ "--base-easydel", "tests/fixtures/rules/tiny/easydel.json",
      table.unpack(PAIR) }, "diff-json"))
    assert.are.equal("base", own.base.easydel_from)
    assert.are_not.equal(own.figures.summary.easydel_modules.base,
      own.figures.summary.easydel_modules.head)
  end)
end)

describe("the diff's inputs", function()
  it("needs a base", function()
    local _, err = run({ "--tt-xla", FIX .. "head" }, "diff", 2)
    assert.are.equal("covengine: --format diff needs a base to compare against: --base-tt-xla DIR "
      .. "(and --base-easydel PATH) or --baseline REPORT.json\n", err)
  end)

  it("takes a base dataset or a baseline, not both", function()
    local _, err = run({ "--baseline", "spec/golden/snapshot.json", table.unpack(PAIR) },
      "diff-json", 2)
    assert.are.equal("covengine: give either --baseline or --base-tt-xla/--base-easydel, not both\n",
      err)
  end)

  it("refuses a baseline that is not a report with per-test lines", function()
    local path = os.tmpname()
    local f = assert(io.open(path, "wb"))
    f:write('{"schema": "covengine.dump/1"}')
    f:close()
    local _, err = run({ "--baseline", path, "--tt-xla", FIX .. "head" }, "diff", 2)
    assert.are.equal(("covengine: --baseline %s is not a covengine.report/1 report\n"):format(path),
      err)
    f = assert(io.open(path, "wb"))
    -- (one value: gsub's count after the text would be data after the JSON)
    f:write((run({ "--tt-xla", FIX .. "base" }, "json"):gsub('"variants"', '"variantz"')))
    f:close()
    _, err = run({ "--baseline", path, "--tt-xla", FIX .. "head" }, "diff", 2)
    os.remove(path)
    assert.truthy(err:find("has no per-test lines", 1, true), err)
  end)

  it("compares the built-in snapshot with itself as no change", function()
    local d = cov.json.decode(run({ "--baseline", "spec/golden/snapshot.json" }, "diff-json"))
    for k, v in pairs(d.summary) do
      if type(v) == "table" then
        for _, n in pairs(v) do assert.are.equal(0, n, k) end
      else
        assert.are.equal(0, v, k)
      end
    end
  end)
end)

if h.have_shared("tt-xla/tt-xla-2026-08-21") and h.have_shared("tt-xla/tt-xla-2025-10-31") then
  describe("the diff of the real snapshots 2025-10-31 -> 2026-08-21", function()
    local args = { "--base-tt-xla", h.shared .. "/tt-xla/tt-xla-2025-10-31",
      "--tt-xla", h.shared .. "/tt-xla/tt-xla-2026-08-21",
      "--easydel", h.shared .. "/easydel/easydel-2026-04-22.json" }
    local d = cov.json.decode(run(args, "diff-json"))

    it("fits the schema and its Markdown shows the same numbers", function()
      assert.are.same({}, validate(SCHEMA, d))
      check_markdown(run(args, "diff"), d)
    end)

    it("pairs the ids tt-xla renamed", function()
      -- 724 base entries: 350 renamed ("-full-inference", variant case), 374 gone; 1,998
      -- head tests (one id is in two files and counts once).
      assert.are.same({ base = 724, head = 1998 }, d.figures.summary.tests)
      assert.are.equal(350, d.summary.tests_renamed)
      assert.are.equal(374, d.summary.tests_removed)
      assert.are.equal(0, d.summary.modules_no_longer_tested)
      assert.are.equal(24, d.summary.modules_newly_tested)
    end)

    -- A family gained (lost) in a framework because a model tested on both
    -- sides was merely spelled differently is an artefact of a rename: the
    -- same (raw family, variant) in the normalised form names tests of
    -- another family tested on the other side.
    it("gains and loses no family only because of a rename", function()
      local forms = require("covengine.alias").set {}
      local function report(tree)
        return cov.json.decode(run({ "--tt-xla", h.shared .. "/tt-xla/" .. tree, "--easydel",
          h.shared .. "/easydel/easydel-2026-04-22.json" }, "json"))
      end
      local base, head = report("tt-xla-2025-10-31"), report("tt-xla-2026-08-21")
      -- framework -> model key -> family (tested there) of each side
      local function models(r)
        local by = {}
        for _, f in ipairs(r.families) do
          for fw, fe in pairs(f.frameworks) do
            by[fw] = by[fw] or {}
            for _, v in ipairs(fe.variants) do
              local vf = forms:variant_forms(v.raw_family, v.variant ~= cov.json.null and v.variant
                or "")
              local key = forms.normalize(v.raw_family) .. "|" .. (vf and (vf[2] or vf[1]) or "")
              by[fw][key] = by[fw][key] or {}
              by[fw][key][f.name] = fe.tested
            end
          end
        end
        return by
      end
      local bm, hm = models(base), models(head)
      local artefacts = {}
      local function check(list, mine, other, what)
        for fw, names in pairs(list) do
          local wanted = {}
          for _, n in ipairs(names) do wanted[n] = true end
          for key, fams in pairs(mine[fw] or {}) do
            for fam in pairs(fams) do
              if wanted[fam] then
                for ofam, tested in pairs((other[fw] or {})[key] or {}) do
                  if ofam ~= fam and tested then
                    artefacts[#artefacts + 1] = ("%s %s in %s: %s is %s on the other side")
                      :format(what, fam, fw, key, ofam)
                  end
                end
              end
            end
          end
        end
      end
      check(d.families.gained, hm, bm, "gained")
      check(d.families.lost, bm, hm, "lost")
      table.sort(artefacts)
      assert.are.same({}, artefacts)
      -- the renames the issue names, by name (2025-10-31 had no torch_llm configs: all its
      -- families there are new)
      for _, n in ipairs(d.families.gained.torch) do
        assert.is_true(n ~= "gemma2" and n ~= "qwen3_moe", n)
      end
      for _, n in ipairs(d.families.lost.torch) do assert.are_not.equal("deepcogito", n) end
      for _, m in ipairs(d.modules.newly_tested) do
        assert.is_true(m ~= "gemma2" and m ~= "qwen3_moe", m)
      end
    end)
  end)
end
