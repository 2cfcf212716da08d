-- --explain's text and data (lua/covengine/explain.lua) from made-up family
-- facts; the CLI on fixture trees is spec/cli_spec.lua's.
local cov = require "covengine"
local explain = require "covengine.explain"

local function family()
  return {
    name = "zz_llama", raw_names = { "zz_llama", "zz_llama_3" },
    mappings = { { raw = "zz_llama_3", where = "rules/aliases.lua:9", reason = "a version",
      how = "rule" } },
    module = "llama", easydel_tasks = { "CAUSAL_LM" }, missing_tasks = { "SEQ_CLS" },
    tested = { jax = true }, listed = { torch = true },
    phase = { number = 1, name = "now", summary = "tested, has a module", rule = "rules/phases.lua:4" },
    frameworks = {
      jax = { arch_status = { n150 = { EXPECTED_PASSING = 2 } }, sources = { EASYDEL = 2 },
        source_computed = 0, loader_unknown = 1, implementation = "mixed" },
      torch = { arch_status = {}, sources = {}, source_computed = 0, loader_unknown = 0,
        listed_not_running = true },
    },
    group = "RED",
  }
end

local function facts_of(f)
  return { families = { [f.name] = f }, list = { f }, frameworks = { "jax", "torch" },
    aliases = { suggest = function(_, name) return name == "lama" and { "llama" } or {} end } }
end

local function canonical_of() return "zz_llama" end

describe("explain.explain", function()
  it("says where a family stands, line by line", function()
    local text = explain.explain("zz_llama_3", { policy = "the policy" }, facts_of(family()),
      canonical_of)
    assert.are.equal(table.concat({
      "# Why `zz_llama_3` is where it is\n\n",
      "## zz_llama\n\n",
      "- Raw families: zz_llama, zz_llama_3\n",
      "- Alias for `zz_llama_3`: rules/aliases.lua:9 (a version)\n",
      "- EasyDeL module: llama; TaskTypes: CAUSAL_LM\n",
      "- EasyDeL has the family but not these tested tasks: SEQ_CLS\n",
      "- Tested in: jax (the policy)\n",
      "- Listed, not running, in: torch (no entry there runs)\n",
      "- Phase 1, now: tested, has a module (rule at rules/phases.lua:4)\n",
      "- ModelGroup: RED\n",
      "- Implementation in jax: mixed (EASYDEL 2, no loader 1)\n",
      "- Tests: 0\n",
      "- On n150 in jax: EXPECTED_PASSING 2\n",
      "\n" }), text)
  end)

  it("stops on an unknown name with the closest family and EasyDeL names", function()
    local ok, err = pcall(explain.explain, "lama", { policy = "p" }, facts_of(family()),
      canonical_of)
    assert.is_false(ok)
    assert.matches("^%-%-explain: no family 'lama' in the loaded data", err.message)
    assert.matches("close EasyDeL names: llama%)$", err.message)
  end)
end)

describe("explain.data", function()
  it("gives the same facts as covengine.explain/1", function()
    local d = explain.data("zz_llama", { policy = "p" }, facts_of(family()), canonical_of)
    assert.are.equal("covengine.explain/1", d.schema)
    local e = d.families[1]
    assert.are.equal("llama", e.easydel)
    assert.are.same({ "jax" }, { table.unpack(e.tested_in) })
    assert.are.same({ "torch" }, { table.unpack(e.listed_in) })
    assert.are.equal("rules/aliases.lua:9", e.aliases[1].rule)
    assert.are.same({ n150 = { EXPECTED_PASSING = 2 } }, e.arch_status.jax)
    assert.are.equal(1, e.phase.number)
    -- JSON: arrays stay arrays when empty.
    assert.matches('"tests":%[%]', cov.json.encode(d))
  end)
end)

describe("explain.arches", function()
  it("names each arch's status and what runs elsewhere", function()
    assert.are.equal("", explain.arches({ arch_status = {} }))
    assert.are.equal(" (n150 KNOWN_FAILURE_XFAIL, p150 EXPECTED_PASSING; not run elsewhere)",
      explain.arches({ arch_status = { p150 = "EXPECTED_PASSING", n150 = "KNOWN_FAILURE_XFAIL" } }))
    assert.are.equal(" (n300 not run; elsewhere EXPECTED_PASSING)",
      explain.arches({ arch_status = { n300 = false }, status_elsewhere = "EXPECTED_PASSING" }))
  end)
end)
