-- tt-forge-models on the real snapshots with the default rules: phases 0 and
-- 1, the checkpoint aliases, integration started, planned models, the
-- loader_disagrees lint and the diff of implementations (skipped without
-- ../shared/data; label "slow": the fixture spec covers the code paths).
-- needs shared data: tt-xla/tt-xla-2026-08-21 tt-forge-models/tt-forge-models-2026-08-21
-- needs shared data: tt-xla/tt-xla-2025-10-31 tt-forge-models/tt-forge-models-2025-10-31
local h = require "helpers"
local run_ok, report = h.run_ok, h.report
local cov = require "covengine"
local validate = require "jsonschema"

local REPORT_SCHEMA = h.schema("covengine.report-1.schema.json")

local function by_name(list, key)
  local t = {}
  for _, x in ipairs(list) do t[x[key or "name"]] = x end
  return t
end

local function phase(r, number)
  for _, p in ipairs(r.phases) do
    if p.number == number then return p end
  end
  error("no phase " .. number)
end

local function set(list)
  local s = {}
  for _, x in ipairs(list) do s[x] = true end
  return s
end

local S = h.shared
if not h.need_shared(pending) then return end

local A26 = { "--tt-xla", S .. "/tt-xla/tt-xla-2026-08-21",
  "--tt-forge-models", S .. "/tt-forge-models/tt-forge-models-2026-08-21",
  "--easydel", S .. "/easydel/easydel-2026-04-22.json" }
local A25 = { "--tt-xla", S .. "/tt-xla/tt-xla-2025-10-31",
  "--tt-forge-models", S .. "/tt-forge-models/tt-forge-models-2025-10-31",
  "--easydel", S .. "/easydel/easydel-2025-09-15.json" }

describe("the 2026-08-21 snapshot with its tt-forge-models tree", function()
  local r = report(A26)
  local fam = by_name(r.families)

  -- The report family a test id belongs to.
  local family_of = {}
  for _, f in ipairs(r.families) do
    for _, fe in pairs(f.frameworks) do
      for _, v in ipairs(fe.variants) do family_of[v.id] = f.name end
    end
  end

  it("validates against covengine.report/1 and every test joins a loader variant", function()
    assert.are.same({}, validate(REPORT_SCHEMA, r))
    assert.are.equal(0, r.summary.unknown_ids)
    assert.are.equal(416, r.tt_forge_models.loaders)
  end)

  it("puts in phase 0 exactly the families whose JAX loaders declare EasyDeL", function()
    -- Independently of the report's facts: the dump's JAX tests on EasyDeL.
    local d = cov.json.decode(run_ok { "-q", A26[1], A26[2], A26[3], A26[4], "--dump" })
    local want = {}
    for _, t in ipairs(d.tests) do
      if t.framework == "jax" and t.loader ~= cov.json.null and t.loader.source == "EASYDEL" then
        want[assert(family_of[t.id], t.id)] = true
      end
    end
    assert.are.same(want, set(phase(r, 0).families))
    assert.are.same(set { "glm", "gpt2", "gpt_j", "gpt_neox", "llama", "mamba", "mamba2", "mistral",
      "openelm", "phi", "phi3", "qwen2", "qwen3", "whisper" }, want)
    -- RED and PRIORITY first, each shown with its group.
    local seen_other = false
    for _, name in ipairs(phase(r, 0).families) do
      local g = fam[name].group
      assert.are_not.equal(cov.json.null, g, name)
      if g ~= "RED" and g ~= "PRIORITY" then seen_other = true end
      assert.is_false(seen_other and (g == "RED" or g == "PRIORITY"), name)
    end
    assert.are.equal("RED", fam.llama.group)
    -- mistral: EasyDeL for three variants, Hugging Face for v0_1_Tiny.
    local on = by_name(r.on_easydel, "family")
    assert.are.equal("mixed", fam.mistral.frameworks.jax.implementation)
    assert.are.same({ EASYDEL = 6, HUGGING_FACE = 2 }, fam.mistral.frameworks.jax.sources)
    assert.are.equal("v0_1_Tiny", on.mistral.others[1].variant)
  end)

  it("shows a family whose EasyDeL entries do not run as listed, not running", function()
    -- The default policy (issue 11): an entry runs when its status is
    -- EXPECTED_PASSING, KNOWN_FAILURE_XFAIL or UNSPECIFIED on an arch it is
    -- written for.
    local function with(format)
      local args = { "-q" }
      for _, a in ipairs(A26) do args[#args + 1] = a end
      for _, a in ipairs { "--format", format, "rules/phases.lua" } do args[#args + 1] = a end
      return run_ok(args)
    end
    local rr = cov.json.decode(with("json"))
    local text = with("markdown")
    local on = by_name(rr.on_easydel, "family")
    assert.is_true(on.mistral.listed_not_running)
    assert.is_false(on.llama.listed_not_running)
    assert.truthy(set(phase(rr, 0).families).mistral)
    assert.truthy(text:find("**mistral** [RED]: JAX [mixed] listed, not running (8 NOT_SUPPORTED_SKIP)",
      1, true), text)
    assert.truthy(text:find("   - JAX on EasyDeL, listed, not running: v0_1 (2 NOT_SUPPORTED_SKIP)",
      1, true))
  end)

  it("puts clip, opt and roberta in phase 1, and no family already on EasyDeL", function()
    assert.are.same(set { "clip", "opt", "roberta" }, set(phase(r, 1).families))
    for _, name in ipairs(phase(r, 1).families) do
      assert.are.equal("hugging_face", fam[name].frameworks.jax.implementation)
    end
  end)

  it("maps families by the checkpoints their tests load", function()
    -- stablelm-base-alpha is GPT-NeoX; nothing stays on stablelm.
    assert.truthy(set(fam.gpt_neox.raw_names).stablelm)
    assert.is_nil(fam.stablelm and fam.stablelm.frameworks.jax)
    -- The DeepSeek-V3 test.
    assert.are.equal("deepseek_v3", family_of["deepseek/pytorch-single_device-inference"])
    assert.are.equal("deepseek_v3", fam.deepseek_v3.easydel)
    -- GPT-SW3 is GPT-2.
    assert.are.equal("gpt2", family_of["gpt_sw3/causal_lm/jax-1_3B_Instruct-single_device-inference"])
    -- Llama-3.2-Vision (mllama) and LLaVA-1.6 (llava_next): no module.
    assert.are.equal("mllama",
      family_of["llama/llama_3_2_vision/pytorch-3.2_11B_Vision-single_device-inference"])
    assert.are.equal(cov.json.null, fam.mllama.easydel)
    assert.are.equal("llava_next", family_of["llava/pytorch-1.6_34B-tensor_parallel-inference"])
    assert.are.equal(cov.json.null, fam.llava_next.easydel)
    assert.are.equal("llava", family_of["llava/pytorch-1.5_7B-single_device-inference"])
    -- Every XLM-RoBERTa checkpoint on one side.
    local d = cov.json.decode(run_ok { "-q", A26[1], A26[2], A26[3], A26[4], "--dump" })
    local n = 0
    for _, t in ipairs(d.tests) do
      if t.loader ~= cov.json.null and t.loader.checkpoint ~= cov.json.null
        and t.loader.checkpoint:lower():find("xlm%-roberta") then
        assert.are.equal("xlm_roberta", family_of[t.id], t.id)
        n = n + 1
      end
    end
    assert.is_true(n >= 8)
    assert.are.equal(cov.json.null, fam.xlm_roberta.easydel)
    for _, u in ipairs(r.unmatched) do assert.are_not.equal("xlm_roberta", u.name) end
    -- Pixtral: what its loader loads, a Llava model, and the reason says so.
    assert.are.equal("llava", family_of["mistral/pixtral/pytorch-single_device-inference"])
    local why
    for _, a in ipairs(fam.llava.aliases) do
      if a.raw == "mistral" then why = a.reason end
    end
    assert.truthy(why and why:find("LlavaForConditionalGeneration", 1, true), why)
  end)

  it("lists cohere2 and internlm2 as integration started, no test", function()
    local started = by_name(r.integration_started, "family")
    assert.truthy(started.cohere2)
    assert.truthy(started.internlm2)
    assert.are.equal("cohere2/causal_lm/jax", started.cohere2.loader)
    assert.are.equal(#r.integration_started, r.summary.integration_started)
  end)

  it("shows placeholders as planned beside the modules they would cover", function()
    local planned = by_name(r.planned)
    assert.are.equal("llama4", planned["meta-llama/Llama-4-Maverick-17B-128E-Instruct"].easydel)
    assert.are.equal("deepseek_v3", planned["deepseek-ai/DeepSeek-R1"].easydel)
    assert.are.equal("minimax", planned["MiniMaxAI/MiniMax-Text-01"].easydel)
    assert.are.equal(cov.json.null, planned["meta-llama/Llama-3.2-90B-Vision"].easydel)
    assert.truthy(set(by_name(r.easydel_untested, "module").llama4.planned)
      ["meta-llama/Llama-4-Maverick-17B-128E-Instruct"])
  end)

  it("warns that stablelm's tests run EasyDeL's gpt_neox (loader_disagrees)", function()
    local args = {}
    for _, a in ipairs(A26) do args[#args + 1] = a end
    args[#args + 1] = "rules/phases.lua"
    local _, err = run_ok(args)
    assert.truthy(err:find("test 'stablelm/causal_lm/jax%-7B_Alpha%-data_parallel%-inference' runs "
      .. "EasyDeL %(loader stablelm/causal_lm/jax declares source=EASYDEL; 6 entries%) but it loads "
      .. "stabilityai/stablelm%-base%-alpha%-7b, stabilityai/stablelm%-base%-alpha%-3b, which "
      .. "rules/aliases.lua:%d+ maps to gpt_neox, while its family stablelm maps to stablelm "
      .. "%[loader_disagrees%]"), err)
  end)
end)

describe("2025-10-31 -> 2026-08-21 with both tt-forge-models trees", function()
  it("puts nothing in phase 0 in 2025, when no loader ran EasyDeL", function()
    local r = report(A25)
    assert.are.same({}, validate(REPORT_SCHEMA, r))
    assert.are.equal(0, #phase(r, 0).families)
    assert.are.equal(0, r.summary.unknown_ids)
    assert.are.equal(213, r.tt_forge_models.loaders)
  end)

  it("lists the JAX families that switched to EasyDeL", function()
    local args = { "--base-tt-xla", A25[2], "--base-tt-forge-models", A25[4] }
    for _, a in ipairs(A26) do args[#args + 1] = a end
    local d = report(args, "diff-json")
    d = cov.json.decode(d)
    assert.is_true(d.implementations.known)
    assert.are.same(set { "gpt2", "gpt_j", "llama", "mistral", "whisper" },
      set((function()
        local names = {}
        for _, c in ipairs(d.implementations.switched_to_easydel) do names[#names + 1] = c.family end
        return names
      end)()))
    assert.are.equal(0, d.summary.left_easydel)
    assert.are.equal("hugging_face", by_name(d.implementations.switched_to_easydel, "family").llama.from)
    local md = report(args, "diff")
    assert.truthy(md:find("## JAX families switched to EasyDeL (5)", 1, true))
    assert.truthy(md:find("- **llama**: hugging_face -> easydel", 1, true))
  end)
end)
