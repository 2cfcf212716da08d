-- Family facts (lua/covengine/facts.lua): the strict views predicates see,
-- the small pure helpers, and facts.build on a config loaded in-process.
local alias = require "covengine.alias"
local cov = require "covengine"
local facts = require "covengine.facts"

local here = debug.getinfo(1, "S").short_src

describe("strict views", function()
  local view = facts.viewer({ { name = "llama", tested = { jax = true }, frameworks = {} } },
    { hot = {} }, { "jax" })

  it("read known fields and refuse unknown ones at the reader's line", function()
    local f = view({ name = "llama", tested = { jax = true }, frameworks = {}, tags = {} })
    assert.is_true(f.tested.jax)
    assert.is_nil(f.module) -- known, absent
    local line = debug.getinfo(1, "l").currentline + 1
    local ok, err = pcall(function() return f.testd end)
    assert.is_false(ok)
    local want = ("%s:%d: family 'llama' has no field 'testd'; did you mean 'tested'? (known: ")
      :format(here, line)
    assert.are.equal(want, err:sub(1, #want))
    assert.has_error(function() return f.tested.pytorch end)
    assert.has_error(function() return f.tags.cold end)
    assert.has_no_error(function() return f.tags.hot end)
  end)

  it("give the same view of a family twice", function()
    local fam = { name = "x" }
    assert.are.equal(view(fam), view(fam))
  end)

  it("wrap a framework's status so a misspelt status is an error", function()
    local fw = facts.strict_framework({ status = { EXPECTED_PASSING = 2 } }, "llama")
    assert.are.equal(2, fw.status.EXPECTED_PASSING)
    assert.is_nil(fw.status.UNSPECIFIED)
    local ok, err = pcall(function() return fw.status.EXPECTED_PASS end)
    assert.is_false(ok)
    assert.matches("status has no field 'EXPECTED_PASS'; did you mean 'EXPECTED_PASSING'%?", err)
  end)
end)

describe("facts helpers", function()
  it("name one implementation, or mixed, or none", function()
    local function fw(sources, computed, unknown)
      return { sources = sources, source_computed = computed or 0, loader_unknown = unknown or 0 }
    end
    assert.is_nil(facts.implementation(fw({})))
    assert.are.equal("easydel", facts.implementation(fw({ EASYDEL = 3, HUGGING_FACE = 0 })))
    assert.are.equal("computed", facts.implementation(fw({}, 1)))
    assert.are.equal("unknown", facts.implementation(fw({}, 0, 2)))
    assert.are.equal("mixed", facts.implementation(fw({ EASYDEL = 1, CUSTOM = 1 })))
  end)

  it("order frameworks as the rules list them, then the rest by name", function()
    local present = { tf = true, torch = true, jax = true, onnx = true }
    assert.are.same({ "torch", "jax", "onnx", "tf" },
      facts.framework_order(present, { { id = "torch" }, { id = "torch_llm" }, { id = "jax" } }))
    assert.are.same({ "jax", "onnx", "tf", "torch" }, facts.framework_order(present, nil))
  end)

  it("find a task by path component and by whole word of a variant", function()
    local tasks = { causal_lm = "CAUSAL_LM", sequence_classification = "SEQ_CLS" }
    assert.are.equal("CAUSAL_LM", facts.task_type(tasks, "phi_3_5_moe/causal_lm"))
    assert.is_nil(facts.task_type(tasks, "vision"))
    local words = { "sequence_classification" }
    assert.are.equal("SEQ_CLS", facts.variant_task(tasks, words, "gpt2-Sequence.Classification"))
    assert.is_nil(facts.variant_task(tasks, words, "gpt2_sequence_classificationx"))
    assert.is_nil(facts.variant_task(tasks, nil, "gpt2"))
  end)
end)

describe("facts.build", function()
  setup(function()
    cov.load_config_string("t/test_config_jax.yaml", table.concat({
      "test_config:",
      "  llama/causal_lm/jax-3B-single_device-inference:",
      "    status: EXPECTED_PASSING",
      "  llama/causal_lm/jax-8B-single_device-inference:",
      "    status: KNOWN_FAILURE_XFAIL",
      "  qwen_3/causal_lm/jax-0_6B-single_device-inference:",
      "    status: EXPECTED_PASSING",
      "" }, "\n"), "jax")
    cov.load_easydel_string("e.json", '{"source": "spec", "revision": "r", "date": "2026-01-01",'
      .. ' "modules": [{"name": "llama", "registrations": [{"task": "CAUSAL_LM",'
      .. ' "model_type": "llama", "config": "LlamaConfig", "class": "LlamaForCausalLM"}]},'
      .. ' {"name": "qwen3", "registrations": []}]}')
  end)

  it("aggregates tests per canonical family and framework, with modules", function()
    local fx = facts.build(cov.head, { aliases = alias.set {},
      tasks = { causal_lm = "CAUSAL_LM" }, tested = function() return true end })
    local names = {}
    for _, f in ipairs(fx.list) do names[#names + 1] = f.name end
    assert.are.same({ "llama", "qwen3" }, names)
    local llama = fx.families.llama
    assert.are.equal(2, llama.frameworks.jax.count)
    assert.are.same({ EXPECTED_PASSING = 1, KNOWN_FAILURE_XFAIL = 1 }, llama.frameworks.jax.status)
    assert.are.equal("llama", llama.module)
    assert.are.same({ "jax" }, fx.frameworks)
    assert.are.same({ "qwen_3" }, fx.families.qwen3.raw_names) -- by module directory
    assert.are.equal("qwen3", fx.families.qwen3.module)
  end)
end)
