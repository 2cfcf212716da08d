-- The alias matcher (lua/covengine/alias.lua) on small made-up inventories.
local alias = require "covengine.alias"
local rule = alias.rule

local MODULES = {
  { name = "gpt_neox", registrations = { { model_type = "gpt_neox" } } },
  { name = "gpt_j", registrations = { { model_type = "gptj" } } },
  { name = "mosaic_mpt", registrations = { { model_type = "mpt" } } },
  { name = "grok_1", registrations = { { model_type = "grok-1" } } },
  { name = "gidd", registrations = { { model_type = "Gidd" } } },
  { name = "qwen2", registrations = {} },
  { name = "qwen3", registrations = {} },
  { name = "qwen3_moe", registrations = {} },
  { name = "gemma", registrations = {} },
  { name = "gemma2", registrations = {} },
  { name = "llama", registrations = {} },
}

local THIS = "spec/covengine/alias_spec.lua"

describe("alias matcher", function()
  it("maps by normalised module directory and model_type", function()
    local set = alias.set {}:bind(MODULES)
    assert.are.equal("qwen3", set:resolve("qwen_3").module)
    assert.are.equal("gpt_j", set:resolve("gpt_j").module)     -- directory
    assert.are.equal("gpt_j", set:resolve("gptj").module)      -- model_type
    assert.are.equal("mosaic_mpt", set:resolve("mpt").module)
    assert.are.equal("grok_1", set:resolve("grok-1").module)
    assert.are.equal("grok_1", set:resolve("Grok_1").module)
    assert.are.equal("gidd", set:resolve("GIDD").module)
    assert.are.equal("name", set:resolve("qwen_3").how)
  end)

  it("never matches by prefix", function()
    local set = alias.set {}:bind(MODULES)
    local m = set:resolve("gpt_neo")
    assert.is_nil(m.module)
    assert.are.equal("unmatched", m.how)
    assert.are.same({ "gpt_neox" }, set:suggest("gpt_neo")) -- suggested, not applied
    assert.is_nil(set:resolve("qwen").module)
  end)

  it("lets exact rules beat patterns and longer patterns beat shorter", function()
    local set = alias.set {
      rule { family_pattern = "^qwen", module = "qwen3", reason = "short pattern" },
      rule { family_pattern = "^qwen2", module = "qwen2", reason = "longer pattern" },
      rule { family = "qwen_2_5", module = "qwen2", canonical = "exact", reason = "exact" },
    }:bind(MODULES)
    assert.are.equal("exact", set:resolve("qwen_2_5").canonical)
    assert.are.equal("longer pattern", set:resolve("qwen_2_1").reason)
    assert.are.equal("short pattern", set:resolve("qwen_x").reason)
  end)

  it("splits one raw family by variant and task", function()
    local set = alias.set {
      rule { family = "qwen_3", variant_pattern = "a%d+b$", module = "qwen3_moe", reason = "moe" },
      rule { family = "gemma", variant = { "2_2B", "2_9B" }, module = "gemma2", reason = "g2" },
      rule { family = "gemma", task = "translation", module = "llama", reason = "task" },
    }:bind(MODULES)
    assert.are.equal("qwen3_moe", set:resolve("qwen_3", "causal_lm", "30B_A3B").module)
    assert.are.equal("qwen3", set:resolve("qwen_3", "causal_lm", "32B").module)
    assert.are.equal("gemma2", set:resolve("gemma", nil, "2_9B").module)
    assert.are.equal("llama", set:resolve("gemma", "translation", "4B").module)
    -- a variant narrowing is more specific than a task narrowing
    assert.are.equal("gemma2", set:resolve("gemma", "translation", "2_2B").module)
    assert.are.equal("gemma", set:resolve("gemma", nil, "7B").module)
  end)

  it("matches the same model however a revision spells it", function()
    -- tt-xla's spellings of one model before and after its 2026 renames.
    local set = alias.set {
      rule { family = "falcon", variant_pattern = "^3_%d+b", module = "llama", reason = "falcon3" },
      rule { family = "falcon", variant_pattern = "mamba", module = "gemma", reason = "mamba" },
      rule { family = "gemma", variant_pattern = "^2_", module = "gemma2", reason = "g2" },
      rule { family = "qwen_3", variant_pattern = "%f[%a]a%d+b", module = "qwen3_moe", reason = "m" },
      rule { family = "deepcogito", variant_pattern = "llama", module = "llama", reason = "c" },
      rule { family = "Solar-10_7B", variant = "10_7B_Instruct_v1.0", module = "llama", reason = "s" },
    }:bind(MODULES)
    for _, v in ipairs { "tiiuae/Falcon3-1B-Base", "3_1B_Base", "Falcon3-10B-Base", "3_10B_Base" } do
      assert.are.equal("llama", set:resolve("falcon", nil, v).module, v)
    end
    for _, v in ipairs { "tiiuae/Falcon3-Mamba-7B-Base", "3_Mamba_7B_Base" } do
      assert.are.equal("mamba", set:resolve("falcon", nil, v).reason, v)
    end
    assert.are.equal("unmatched", set:resolve("falcon", nil, "tiiuae/falcon-7b-instruct").how)
    for _, v in ipairs { "google/gemma-2-2b-it", "2_2B_IT", "gemma-2-27b-it" } do
      assert.are.equal("gemma2", set:resolve("gemma", nil, v).module, v)
    end
    for _, v in ipairs { "google/gemma-2b", "2B", "google/gemma-1.1-2b-it", "1.1_2B_IT" } do
      assert.are.equal("gemma", set:resolve("gemma", nil, v).module, v)
    end
    assert.are.equal("qwen3_moe", set:resolve("qwen_3", "causal_lm", "30b_a3b").module)
    assert.are.equal("qwen3_moe", set:resolve("qwen_3", "causal_lm", "30B_A3b").module)
    assert.are.equal("qwen3", set:resolve("qwen_3", "causal_lm", "32B").module)
    assert.are.equal("llama", set:resolve("deepcogito", nil, "v1_preview_llama_3b").module)
    assert.are.equal("llama", set:resolve("deepcogito", nil, "v1_Preview_Llama_3B").module)
    -- family and variant values are normalised too
    assert.are.equal("llama", set:resolve("solar-10_7B", "causal_lm", "10_7B_Instruct_v1.0").module)
    assert.are.equal("llama", set:resolve("SOLAR-10.7B", "causal_lm", "10.7B-instruct-v1_0").module)
  end)

  it("rejects a pattern that cannot match a normalised name, at the rule's line", function()
    local ok, err = pcall(function()
      local r = rule { family = "deepcogito", variant_pattern = "Llama", module = "llama", reason = "x" }
      return r
    end)
    assert.is_false(ok)
    assert.truthy(err:find(THIS .. ":%d+: alias rule: variant_pattern 'Llama' has upper%-case "
      .. "letters"), err)
    assert.truthy(err:find("write 'llama'", 1, true), err)
    -- classes such as %S and %A are not letters to lower
    assert.has_no.errors(function()
      rule { family_pattern = "^x%S+", module = "llama", reason = "class" }
    end)
  end)

  it("strips adapter suffixes before matching", function()
    local set = alias.set {
      adapters = { "_lora" },
      rule { family = "gemma", module = "gemma", canonical = "gemma", reason = "r" },
    }:bind(MODULES)
    local m = set:resolve("gemma_lora")
    assert.are.equal("gemma", m.module)
    assert.are.equal("_lora", m.adapter)
    assert.are.equal("llama", set:resolve("llama_lora").module)
  end)

  it("says so when a rule states EasyDeL has no module", function()
    local set = alias.set {
      rule { family = "gpt_neo", module = false, reason = "not GPT-NeoX" },
    }:bind(MODULES)
    local m = set:resolve("gpt_neo")
    assert.is_nil(m.module)
    assert.is_true(m.no_module)
    assert.are.equal("gpt_neo", m.canonical)
    assert.are.equal("rule", m.how)
  end)

  it("records where each rule is written and which never fire", function()
    local line = debug.getinfo(1, "l").currentline
    local set = alias.set {
      rule { family = "qwen_2_5", module = "qwen2", reason = "used" },
      rule { family = "never_seen", module = "qwen2", reason = "unused" },
    }:bind(MODULES)
    set:resolve("qwen_2_5", nil, nil)
    local unused = set:unused()
    assert.are.equal(1, #unused)
    assert.are.equal(("%s:%d"):format(THIS, line + 3), unused[1].where)
    assert.are.equal("family never_seen", alias.describe(unused[1]))
  end)

  it("rejects bad rules at the rule's own line", function()
    -- luassert's has_error drops the position, which is the point here.
    local function err(fn)
      local ok, msg = pcall(fn)
      assert.is_false(ok)
      return msg
    end
    local known = "canonical, checkpoint, checkpoint_pattern, family, family_pattern, module, "
      .. "reason, task, task_pattern, variant, variant_pattern"
    local line = debug.getinfo(1, "l").currentline
    assert.are.equal(("%s:%d: alias rule: unknown key 'famly' (known: %s)")
      :format(THIS, line + 3, known),
      err(function() rule { famly = "x", module = "y", reason = "r" } end))
    assert.are.equal(("%s:%d: alias rule: 'reason' is required"):format(THIS, line + 5),
      err(function() rule { family = "x", module = "y" } end))
    assert.are.equal(("%s:%d: alias rule: give exactly one of 'family' and 'family_pattern'")
      :format(THIS, line + 8),
      err(function() rule { family = "x", family_pattern = "x", module = "y", reason = "r" } end))
    assert.are.equal(("%s:%d: alias rule: 'family_pattern' must be a valid Lua pattern or a "
      .. "list of them"):format(THIS, line + 11),
      err(function() rule { family_pattern = "[", module = "y", reason = "r" } end))
    assert.are.equal(("%s:%d: alias rule: give 'module' (a module name, or false for none) or "
      .. "'canonical'"):format(THIS, line + 13), err(function() rule { family = "x", reason = "r" } end))
    assert.are.equal(("%s:%d: alias set: unknown key 'adapter' (known: adapters, normalize)")
      :format(THIS, line + 15), err(function() alias.set { adapter = "_lora" } end))
  end)

  it("normalises case, separators and version underscores", function()
    assert.are.equal("qwen2_5", alias.normalize("qwen_2_5"))
    assert.are.equal("qwen2_5", alias.normalize("Qwen-2.5"))
    assert.are.equal("exaone4", alias.normalize("exaone_4"))
    assert.are.equal("gpt_j", alias.normalize("gpt_j"))
    assert.are.equal("phi1_5", alias.normalize("phi1_5"))
  end)

  it("suggests close EasyDeL names without applying them", function()
    local set = alias.set {}:bind(MODULES)
    assert.are.same({ "qwen2" }, set:suggest("qwen_2_5_vl"))
    assert.are.same({ "gemma" }, set:suggest("gemma_2b_it"))
    assert.are.same({}, set:suggest("resnet"))
  end)

  it("narrows by checkpoint, case-insensitively, before anything else", function()
    local set = alias.set {
      rule { family = "stablelm", module = "llama", reason = "family rule" },
      rule { family = "stablelm", variant = "7B", module = "qwen2", reason = "variant rule" },
      rule { family = "stablelm", checkpoint_pattern = "^StabilityAI/stablelm%-base%-alpha%-%d+B$",
        module = "gpt_neox", reason = "checkpoint rule" },
      rule { checkpoint = "Org/Exact-One", canonical = "exact", module = false,
        reason = "a rule on a checkpoint alone" },
    }:bind(MODULES)
    -- The checkpoint rule beats the more specific-looking variant rule.
    local m = set:resolve("stablelm", "causal_lm", "7B", 1, "stabilityai/stablelm-base-alpha-7b")
    assert.are.equal("gpt_neox", m.module)
    assert.are.equal("checkpoint rule", m.reason)
    -- %d stays a class: lower-casing the pattern leaves its escapes alone.
    assert.are.equal("qwen2",
      set:resolve("stablelm", nil, "7B", 1, "stabilityai/stablelm-base-alpha-xb").module)
    assert.are.equal("llama", set:resolve("stablelm", nil, "3B", 1, nil).module)
    -- A rule on a checkpoint alone applies to any family, and never without one.
    m = set:resolve("anything", nil, nil, 1, "ORG/exact-one")
    assert.are.equal("exact", m.canonical)
    assert.is_true(m.no_module)
    assert.are.equal("unmatched", set:resolve("anything", nil, nil, 1, nil).how)
    assert.is_true(set:uses_checkpoints())
    assert.are.equal("checkpoint Org/Exact-One", alias.describe(set.rules[4]))
  end)

  it("rejects bad checkpoint rules", function()
    assert.has_error(function() rule { module = "x", reason = "r" } end,
      "alias rule: give exactly one of 'family' and 'family_pattern' (or narrow by 'checkpoint' "
        .. "or 'checkpoint_pattern' alone)")
    assert.has_error(function()
      rule { checkpoint = "a", checkpoint_pattern = "b", module = "x", reason = "r" }
    end, "alias rule: give at most one of 'checkpoint' and 'checkpoint_pattern'")
    assert.has_error(function() rule { checkpoint_pattern = "[", module = "x", reason = "r" } end,
      "alias rule: 'checkpoint_pattern' must be a valid Lua pattern or a list of them")
  end)
end)
