-- The report table (lua/covengine/report.lua): covengine.report/1 from
-- facts built in-process, and the helpers formats and messages use. The
-- whole report on fixture trees is spec/covengine/coverage_spec.lua's.
local alias = require "covengine.alias"
local cov = require "covengine"
local facts = require "covengine.facts"
local report = require "covengine.report"

describe("report helpers", function()
  it("type a module by its manifest type or its most telling TaskType", function()
    local types = { CAUSAL_LM = { label = "LLM", rank = 1 }, BASE_MODULE = { label = "base", rank = 9 } }
    local m = { registrations = { { task = "BASE_MODULE" }, { task = "CAUSAL_LM" } } }
    assert.are.equal("LLM", report.module_type(m, types))
    assert.are.equal("vision", report.module_type({ type = "vision", registrations = {} }, types))
    assert.is_nil(report.module_type({ registrations = { { task = "OTHER" } } }, types))
    assert.is_nil(report.module_type(m, nil))
  end)

  it("find the closest name within a third of its length, at least 2", function()
    local names = { "markdown", "json", "html", "sarif" }
    assert.are.equal("markdown", report.closest("markdwn", names))
    assert.are.equal("json", report.closest("JSN", names))
    assert.is_nil(report.closest("pdf", names))
  end)

  it("refuses a format name that is not a plain word", function()
    local ok, err = pcall(report.format, "../x")
    assert.is_false(ok)
    assert.are.equal("unknown report format '../x'", err.message)
  end)
end)

describe("report.build", function()
  setup(function()
    cov.load_config_string("t/test_config_torch.yaml", table.concat({
      "test_config:",
      "  rp_llama/causal_lm/pytorch-3B-single_device-inference:",
      "    status: EXPECTED_PASSING",
      "  rp_bert/pytorch-base-single_device-inference:",
      "    status: NOT_SUPPORTED_SKIP",
      "" }, "\n"), "torch")
    cov.load_easydel_string("e.json", '{"source": "spec", "revision": "r7", "date": "2026-01-01",'
      .. ' "modules": [{"name": "rp_llama", "registrations": []},'
      .. ' {"name": "rp_gemma", "registrations": []}]}')
  end)

  local function build()
    local tested = function(fw) return (fw.status.EXPECTED_PASSING or 0) > 0 end
    local fx = facts.build(cov.head, { aliases = alias.set {}, tasks = {}, tested = tested })
    for _, f in ipairs(fx.list) do
      f.tested = {}
      for name, fw in pairs(f.frameworks) do
        fw.tested = tested(fw)
        if fw.tested then f.tested[name] = true end
      end
    end
    return report.build(cov.head, fx, {}, {}, { policy = "passing",
      frameworks = { { id = "torch", label = "PyTorch", group = "torch" } } })
  end

  it("lists families, the inventory and the inputs", function()
    local r = build()
    assert.are.equal("covengine.report/1", r.schema)
    assert.are.equal("passing", r.policy)
    assert.are.equal("r7", r.easydel.revision)
    local names, by = {}, {}
    for _, f in ipairs(r.families) do
      names[#names + 1] = f.name
      by[f.name] = f
    end
    -- rp_gemma: in EasyDeL only, a family all the same.
    assert.are.same({ "rp_bert", "rp_gemma", "rp_llama" }, names)
    assert.are.equal("rp_llama", by.rp_llama.easydel)
    assert.are.same({ "torch" }, { table.unpack(by.rp_llama.tested_in) })
    assert.are.equal(cov.json.null, by.rp_bert.easydel)
    assert.are.same({}, { table.unpack(by.rp_bert.tested_in) })
    assert.are.equal("t/test_config_torch.yaml", r.inputs[1].path)
    -- Valid JSON, arrays kept.
    assert.is_table(cov.json.decode(cov.json.encode(r)))
  end)
end)
