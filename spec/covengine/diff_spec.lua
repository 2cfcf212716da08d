-- The diff engine (lua/covengine/diff.lua) on hand-made covengine.report/1
-- tables: pairing, the ranking, per-arch changes, families, modules,
-- phases, figures, and counts that equal their lists.
local cov = require "covengine"
local diff = require "covengine.diff"

local null = cov.json.null
local RANKING = { "EXPECTED_PASSING", "KNOWN_FAILURE_XFAIL", "UNSPECIFIED", "NOT_SUPPORTED_SKIP",
  "EXCLUDE_MODEL" }

-- A family: name, module (or nil), phase name (or nil), {fw = {tests}} where
-- a test is {id, status [, arch_status]}.
local function family(name, module, phase, fws)
  local f = { name = name, easydel = module or null, frameworks = {},
    phase = phase and { number = 1, name = phase, rule = "x:1" } or null }
  for fw, tests in pairs(fws) do
    local counts, lines, tested = {}, {}, false
    for i, t in ipairs(tests) do
      counts[t[2]] = (counts[t[2]] or 0) + 1
      tested = tested or t[2] ~= "EXCLUDE_MODEL"
      lines[i] = { id = t[1], status = t[2], arch_status = t[3] or {}, file = "f.yaml", line = i }
    end
    f.frameworks[fw] = { tested = tested, status_counts = counts, variants = lines }
  end
  return f
end

local function report(families, modules)
  return { schema = "covengine.report/1", policy = "p", frameworks = { "jax", "torch" },
    families = families, inputs = {}, easydel = null,
    summary = { tests = 0, families = #families, easydel_modules = modules or 0,
      easydel_untested = 0, families_by_framework = {} } }
end

local function ids(list)
  local out = {}
  for i, t in ipairs(list) do out[i] = t.id end
  return out
end

local function key(id) return (id:gsub("%-full%-(%a+)$", "-%1"):lower()) end

describe("diff.compare", function()
  local base = report {
    family("llama", "llama", "P1", { jax = {
      { "llama/jax-3b-full-inference", "KNOWN_FAILURE_XFAIL" },
      { "llama/jax-8B-inference", "EXPECTED_PASSING", { p150 = "KNOWN_FAILURE_XFAIL" } },
      { "llama/jax-1B-inference", "EXPECTED_PASSING" },
    } }),
    family("gpt2", "gpt2", "P1", { jax = { { "gpt2/jax-inference", "EXPECTED_PASSING" } } }),
    family("bert", nil, nil, { torch = { { "bert/pt-inference", "EXCLUDE_MODEL" } } }),
  }
  local head = report {
    family("llama", "llama", "P1", { jax = {
      { "llama/jax-3B-inference", "EXPECTED_PASSING" },
      { "llama/jax-8B-inference", "EXPECTED_PASSING", { n150 = "NOT_SUPPORTED_SKIP" } },
      { "llama/jax-1B-inference", "UNSPECIFIED" },
      { "llama/jax-70B-inference", "EXCLUDE_MODEL" },
    } }),
    family("gpt2", "gpt2", "P4", {}),
    family("bert", nil, nil, { torch = { { "bert/pt-inference", "KNOWN_FAILURE_XFAIL" } } }),
  }
  local d = diff.compare(base, head, { ranking = RANKING, test_key = key })

  it("pairs equal ids, then renamed ids by the rules' key", function()
    assert.are.same({ "llama/jax-3B-inference" }, ids(d.tests.renamed))
    assert.are.equal("llama/jax-3b-full-inference", d.tests.renamed[1].base_id)
    assert.are.same({ "llama/jax-70B-inference" }, ids(d.tests.added))
    assert.are.same({ "gpt2/jax-inference" }, ids(d.tests.removed))
    local exact = diff.compare(base, head, { ranking = RANKING })
    assert.are.same({ "llama/jax-3B-inference", "llama/jax-70B-inference" }, ids(exact.tests.added))
  end)

  it("calls a move up the ranking a promotion and down a regression", function()
    assert.are.same({ "llama/jax-3B-inference", "bert/pt-inference" }, ids(d.tests.promoted))
    assert.are.equal("KNOWN_FAILURE_XFAIL", d.tests.promoted[1].from)
    assert.are.equal("EXPECTED_PASSING", d.tests.promoted[1].to)
    assert.are.same({ "llama/jax-1B-inference" }, ids(d.tests.regressed))
    local flipped = diff.compare(base, head, { ranking = { "EXCLUDE_MODEL", "NOT_SUPPORTED_SKIP",
      "UNSPECIFIED", "KNOWN_FAILURE_XFAIL", "EXPECTED_PASSING" }, test_key = key })
    assert.are.same(ids(d.tests.promoted), ids(flipped.tests.regressed))
  end)

  it("compares the effective status on every arch either side overrides", function()
    assert.are.same({ { "p150", "KNOWN_FAILURE_XFAIL", "EXPECTED_PASSING" } },
      { { d.arches.promoted[1].arch, d.arches.promoted[1].from, d.arches.promoted[1].to } })
    assert.are.equal(1, #d.arches.promoted)
    assert.are.equal("n150", d.arches.regressed[1].arch)
    assert.are.equal("NOT_SUPPORTED_SKIP", d.arches.regressed[1].to)
  end)

  it("lists families gained and lost per framework and best-status changes", function()
    assert.are.same({}, { table.unpack(d.families.gained.jax) })
    assert.are.same({ "bert" }, { table.unpack(d.families.gained.torch) })
    assert.are.same({ "gpt2" }, { table.unpack(d.families.lost.jax) })
    assert.are.equal(1, #d.families.promoted)
    assert.are.same({ "bert", "torch", "EXCLUDE_MODEL", "KNOWN_FAILURE_XFAIL" },
      { d.families.promoted[1].family, d.families.promoted[1].framework,
        d.families.promoted[1].from, d.families.promoted[1].to })
    assert.are.equal(0, #d.families.regressed) -- llama's best stays EXPECTED_PASSING
  end)

  it("lists EasyDeL modules newly tested and no longer tested, and phase changes", function()
    assert.are.same({}, { table.unpack(d.modules.newly_tested) })
    assert.are.same({ "gpt2" }, { table.unpack(d.modules.no_longer_tested) })
    assert.are.equal(1, #d.phases.changed)
    assert.are.equal("gpt2", d.phases.changed[1].family)
    assert.are.equal("P4", d.phases.changed[1].to.name)
  end)

  it("counts exactly what it lists", function()
    local s = d.summary
    assert.are.equal(#d.tests.added, s.tests_added)
    assert.are.equal(#d.tests.removed, s.tests_removed)
    assert.are.equal(#d.tests.promoted, s.tests_promoted)
    assert.are.equal(#d.tests.regressed, s.tests_regressed)
    assert.are.equal(#d.tests.renamed, s.tests_renamed)
    assert.are.equal(#d.arches.promoted, s.arch_promoted)
    assert.are.equal(#d.arches.regressed, s.arch_regressed)
    assert.are.equal(#d.families.promoted, s.families_promoted)
    assert.are.equal(#d.modules.no_longer_tested, s.modules_no_longer_tested)
    assert.are.equal(#d.phases.changed, s.phase_changes)
    for fw, list in pairs(d.families.gained) do assert.are.equal(#list, s.families_gained[fw]) end
    for fw, list in pairs(d.families.lost) do assert.are.equal(#list, s.families_lost[fw]) end
  end)

  it("gives the figure before and after, 0 of 0 being 100", function()
    local fig = { name = "c", text = "t", ratio = function(sm)
      return sm.easydel_modules - sm.easydel_untested, sm.easydel_modules end }
    local g = diff.compare(base, report({}, 4), { ranking = RANKING, figure = fig }).figures.gate
    assert.are.equal(100, g.base)
    assert.are.equal("100.00", g.base_display)
    assert.are.equal(100, g.head)
  end)
end)

describe("diff rules and inputs", function()
  it("wants every status ranked exactly once", function()
    assert.has_no.errors(function() diff.check_rules { ranking = RANKING } end)
    assert.has_error(function() diff.check_rules { ranking = { "EXPECTED_PASSING" } } end,
      "diff: ranking does not place KNOWN_FAILURE_XFAIL")
    assert.has_error(function()
      diff.check_rules { ranking = { "EXPECTED_PASSING", "PASSING" } }
    end)
    assert.has_error(function()
      diff.check_rules { ranking = RANKING, order = "best first" }
    end)
  end)

  it("refuses reports without per-test lines", function()
    local r = report { family("x", nil, nil, { jax = { { "x/jax-inference", "UNSPECIFIED" } } }) }
    assert.is_true(diff.check_report(r, RANKING))
    r.families[1].frameworks.jax.variants = nil
    local ok, why = diff.check_report(r, RANKING)
    assert.is_nil(ok)
    assert.truthy(why:find("no per-test lines", 1, true))
    assert.is_nil((diff.check_report({ schema = "covengine.dump/1" }, RANKING)))
  end)
end)
