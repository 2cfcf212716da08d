-- Family facts, phases and the report on a tiny fixture tree, through the
-- default rules (rules/aliases.lua, rules/tasks.lua) and the engine modules.
local h = require "helpers"

local TINY = "tests/fixtures/rules/tiny"

-- The JSON report of the tiny tree with the default rules.
local function tiny_report(extra)
  local args = { "--tt-xla", TINY, "--easydel", TINY .. "/easydel.json", "--format", "json", "-q" }
  for _, a in ipairs(extra or {}) do args[#args + 1] = a end
  args[#args + 1] = "rules/phases.lua"
  local code, out, err = h.run(args)
  assert.are.equal(0, code, err)
  local cov = require "covengine"
  return cov.json.decode(out)
end

-- A decoded JSON array as a plain table (luassert compares metatables).
local function plain(list)
  local t = {}
  for i, v in ipairs(list) do t[i] = v end
  return t
end

local function family(r, name)
  for _, f in ipairs(r.families) do
    if f.name == name then return f end
  end
  error("no family " .. name)
end

describe("family facts", function()
  local r = tiny_report()

  it("aliases raw families, splitting by variant and stripping adapters", function()
    assert.are.same({ "qwen_3" }, family(r, "qwen3").raw_names)
    assert.are.equal(1, family(r, "qwen3_moe").frameworks.torch.count) -- 30B_A3b
    assert.are.same({ "gemma_lora" }, family(r, "gemma").raw_names)
    assert.are.equal("gemma", family(r, "gemma").easydel)
    assert.are.equal("falcon_mamba", family(r, "falcon_mamba").name) -- rule, module absent here
    assert.are.equal(require("covengine").json.null, family(r, "falcon_mamba").easydel)
    assert.are.equal(require("covengine").json.null, family(r, "gpt_neo").easydel)
    assert.truthy(family(r, "gpt_neo").alias_rule:find("^rules/aliases.lua:%d+$"))
  end)

  it("applies the policy: EXCLUDE_MODEL entries do not make a family tested", function()
    assert.is_false(family(r, "bert").frameworks.jax.tested)
    assert.are.same({}, family(r, "bert").tested_in)
    assert.are.same({ "jax", "torch" }, family(r, "llama").tested_in)
  end)

  it("counts statuses per framework and effective statuses per arch", function()
    local jax = family(r, "llama").frameworks.jax
    assert.are.same({ EXPECTED_PASSING = 1, NOT_SUPPORTED_SKIP = 1 }, jax.status_counts)
    assert.are.same({ KNOWN_FAILURE_XFAIL = 1, NOT_SUPPORTED_SKIP = 1 }, jax.arch_status.p150)
    assert.are.same({ "single_device" }, family(r, "qwen3").frameworks.jax.parallelisms)
    assert.are.same({ "training" }, family(r, "qwen3").frameworks.jax.run_modes)
    assert.are.same({ "data_parallel" }, family(r, "qwen3").frameworks.torch.parallelisms)
  end)

  it("says which tested tasks EasyDeL lacks", function()
    assert.are.same({ "CAUSAL_LM", "SEQUENCE_CLASSIFICATION" }, family(r, "llama").test_tasks)
    assert.are.same({ "SEQUENCE_CLASSIFICATION" }, family(r, "llama").missing_tasks)
    assert.are.same({ "CAUSAL_LM" }, family(r, "llama").easydel_tasks)
  end)

  it("lists every test of a family in the JSON variants", function()
    local v = family(r, "llama").frameworks.jax.variants
    assert.are.equal(2, #v)
    assert.are.equal("llama/causal_lm/jax-3B-single_device-inference", v[1].id)
    assert.are.equal(TINY .. "/jax/test_config_inference_single_device.yaml", v[1].file)
    assert.are.equal(3, v[1].line)
  end)

  it("places families in phases with the rule that placed them", function()
    assert.are.equal(1, family(r, "llama").phase.number)      -- EasyDeL + JAX
    assert.are.equal(1, family(r, "qwen3").phase.number)
    assert.are.equal(2, family(r, "qwen3_moe").phase.number)  -- EasyDeL + PyTorch only
    assert.are.equal(2, family(r, "gemma").phase.number)
    assert.are.equal(3, family(r, "mixtral").phase.number)    -- untested, tagged high impact
    assert.are.equal(4, family(r, "rwkv").phase.number)       -- untested
    assert.are.equal(require("covengine").json.null, family(r, "gpt_neo").phase)
    assert.truthy(family(r, "llama").phase.rule:find("^rules/phases.lua:%d+$"))
  end)

  it("keeps every summary count equal to the list it counts", function()
    local s = r.summary
    assert.are.equal(#r.families, s.families)
    assert.are.equal(#r.with_easydel, s.with_easydel)
    assert.are.equal(#r.without_easydel.jax_only + #r.without_easydel.pytorch_only
      + #r.without_easydel.both, s.without_easydel)
    assert.are.equal(#r.easydel_untested, s.easydel_untested)
    assert.are.equal(#r.unmatched, s.unmatched)
    assert.are.equal(#r.unparsed, s.unparsed_ids)
    for fw, n in pairs(s.families_by_framework) do
      assert.are.equal(#(r.families_tested[fw] or {}), n)
    end
    assert.are.same({ "gemma", "llama", "qwen3", "qwen3_moe" }, plain(r.with_easydel))
    local untested = {}
    for _, u in ipairs(r.easydel_untested) do untested[#untested + 1] = u.module end
    assert.are.same({ "mixtral", "roberta", "rwkv" }, untested)
  end)

  it("lists unmatched raw families with close EasyDeL names", function()
    local names = {}
    for _, u in ipairs(r.unmatched) do names[u.name] = u.suggestions end
    assert.are.same({ "roberta" }, names.xlm_roberta)
    assert.are.same({}, names.bert)
    assert.is_nil(names.gpt_neo) -- a rule maps it (to no module)
  end)
end)
