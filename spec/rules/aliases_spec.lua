-- The default rules on the real tt-xla 2026-08-21 tree and EasyDeL
-- 2026-04-22 manifest: the mappings the hand-made analysis got wrong or
-- could not make.
-- needs shared data: tt-xla/tt-xla-2026-08-21 easydel/easydel-2026-04-22.json
local h = require "helpers"
local cov = require "covengine"

if not h.need_shared(pending) then return end

local code, out, err = h.run { "--tt-xla", h.shared .. "/tt-xla/tt-xla-2026-08-21",
  "--easydel", h.shared .. "/easydel/easydel-2026-04-22.json", "--format", "json", "-q",
  "rules/phases.lua" }
assert(code == 0, err)
local report = cov.json.decode(out)

-- family name -> entry; and (raw family, variant) -> family name
local families, home = {}, {}
for _, f in ipairs(report.families) do
  families[f.name] = f
  for _, fe in pairs(f.frameworks) do
    for _, v in ipairs(fe.variants) do
      home[v.raw_family .. "/" .. tostring(v.variant)] = f.name
      home[v.raw_family] = home[v.raw_family] or {}
      if type(home[v.raw_family]) == "table" then home[v.raw_family][f.name] = true end
    end
  end
end

local function only(raw)
  local names = {}
  for n in pairs(home[raw] or {}) do names[#names + 1] = n end
  table.sort(names)
  return table.concat(names, ",")
end

describe("default aliases on tt-xla 2026-08-21", function()
  it("maps the Qwen generations to their EasyDeL modules", function()
    assert.are.equal("qwen2", only("qwen_2_5"))
    assert.are.equal("qwen2", only("qwen_2_5_coder"))
    assert.are.equal("qwen2", only("qwen_1_5"))
    assert.are.equal("qwen3,qwen3_moe", only("qwen_3"))
    assert.are.equal("qwen3_moe", home["qwen_3/30B_A3b"])
    assert.are.equal("qwen3", home["qwen_3/8B"])
    assert.are.equal("qwen3", families.qwen3.easydel)
    assert.are.equal("qwen3_moe", families.qwen3_moe.easydel)
  end)

  it("maps phi1, phi1_5 and phi2 to phi, and gpt_j to gpt_j", function()
    assert.are.equal("phi", only("phi1"))
    assert.are.equal("phi", only("phi1_5"))
    assert.are.equal("phi", only("phi2"))
    assert.are.equal("gpt_j", only("gpt_j"))
    assert.are.equal("gpt_j", families.gpt_j.easydel)
  end)

  it("counts adapters as their base model", function()
    assert.are.equal("llama", only("llama_lora"))
    assert.are.equal("gemma", only("gemma_lora"))
  end)

  it("splits falcon and mistral by variant", function()
    assert.are.equal("falcon_mamba", home["falcon/3_Mamba_7B_Base"])
    assert.are.equal("falcon", home["falcon/7B_Instruct"])
    assert.are.equal("mistral3", home["mistral/mistral_small_3.1_24b_instruct_2503"])
    assert.are.equal("mistral", home["mistral/7B"])
  end)

  it("keeps GPT-Neo away from GPT-NeoX", function()
    assert.are.equal("gpt_neo", only("gpt_neo"))
    assert.are.equal(cov.json.null, families.gpt_neo.easydel)
    assert.truthy(families.gpt_neo.alias_reason:find("GPT-NeoX", 1, true))
    local untested = {}
    for _, u in ipairs(report.easydel_untested) do untested[u.module] = true end
    assert.is_true(untested.gpt_neox)
  end)

  it("lists unmatched families with suggestions, never applied", function()
    local unmatched = {}
    for _, u in ipairs(report.unmatched) do unmatched[u.name] = u.suggestions end
    assert.are.same({ "roberta" }, { table.unpack(unmatched.xlm_roberta) })
    assert.are.equal("xlm_roberta", only("xlm_roberta"))
    assert.are.equal(cov.json.null, families.xlm_roberta.easydel)
  end)
end)
