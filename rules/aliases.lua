-- Family aliasing: which EasyDeL module (if any) a raw tt-xla family stands
-- for. Edit freely; `covengine --explain NAME` shows which rule fired.
--
-- A rule names a raw family (`family`, exact, or `family_pattern`, a Lua
-- pattern), may narrow it by `task`/`task_pattern` (the test's task path)
-- and `variant`/`variant_pattern` (names and patterns may be lists), and
-- maps it to `module` (an EasyDeL module directory, or false: EasyDeL has
-- none) with a one-line `reason`. The canonical family is the module unless
-- `canonical` says otherwise; a rule with `canonical` and no `module` names
-- the family and lets that name find the module, if EasyDeL has one.
--
-- Names and patterns are matched in their normalised form (lower case, '-',
-- '.' and spaces to '_', no '_' between a letter and a digit), and a variant
-- also without its organisation ("tiiuae/") and without a leading copy of
-- the family's name: falcon's "tiiuae/Falcon3-1B-Base" (2025) and
-- "3_1B_Base" (2026) both read "3_1b_base". So patterns are written in lower
-- case, against that form, and the same model maps the same way whichever
-- way a tt-xla revision spells it (docs/rules.md).
--
-- Families no rule covers still match when their normalised name (lower
-- case, '-' and '.' to '_', no '_' between a letter and a digit) equals an
-- EasyDeL module directory or model_type: qwen_3 -> qwen3, exaone_4 ->
-- exaone4, mamba2 -> mamba2. Rules are only needed where that is wrong or
-- not enough. The most specific rule wins: a checkpoint narrowing first, then
-- exact family over pattern, then narrowed by variant, then by task, then the
-- longer pattern.
--
-- With a tt-forge-models tree every test knows the checkpoint its loader
-- loads (a Hugging Face repo id): `checkpoint` / `checkpoint_pattern`
-- narrow by it, case-insensitively, and a rule on checkpoints alone (no
-- family) applies to whatever family loads them, and to PLACEHOLDER_MODELS
-- names (planned models) too. What a test loads beats what it is called.

local alias = require "covengine.alias"
local rule = alias.rule

local aliases = alias.set {
  -- "gemma_lora" counts as "gemma": the same model with LoRA adapters.
  adapters = { "_lora" },

  -- Qwen
  rule { family = { "qwen_1_5", "qwen_2_5", "qwen_2_5_coder" }, module = "qwen2",
    reason = "Qwen1.5 and Qwen2.5 (Coder too) checkpoints use the Qwen2 architecture" },
  rule { family = "qwen_3", variant_pattern = "%f[%a]a%d+b", module = "qwen3_moe",
    reason = "Qwen3 '-A3B' variants are mixture-of-experts models (Qwen3-MoE)" },
  rule { family = "qwen_3_5", variant_pattern = "%f[%a]a%d+b", module = "qwen3_5_moe",
    reason = "Qwen3.5 '-A3B' variants are mixture-of-experts models (Qwen3.5-MoE)" },
  rule { family = "nvidia", variant_pattern = "openreasoning_nemotron", module = "qwen2",
    reason = "OpenReasoning-Nemotron models are fine-tunes of Qwen2.5 (Qwen2 architecture)" },
  rule { family = "olm_ocr", variant = "olmOCR-7B-0225-preview", module = "qwen2_vl",
    reason = "olmOCR-7B-0225-preview is a fine-tune of Qwen2-VL-7B" },
  rule { family = "olm_ocr", variant_pattern = "^olmocr", canonical = "qwen_2_5_vl",
    reason = "later olmOCR models are fine-tunes of Qwen2.5-VL-7B" },
  rule { family = "abacusai", variant_pattern = "^smaug72b", module = "qwen2",
    reason = "Smaug-72B is a fine-tune of Qwen1.5-72B (Qwen2 architecture)" },
  rule { family = "arcee", variant = "arcee_Spark", module = "qwen2",
    reason = "Arcee-Spark is a fine-tune of Qwen2-7B" },

  -- Phi
  rule { family = { "phi1", "phi1_5", "phi2" }, module = "phi",
    reason = "Phi-1, Phi-1.5 and Phi-2 use the Phi architecture (model_type phi)" },
  rule { family = "phi4", module = "phi3",
    reason = "Phi-4 checkpoints use the Phi-3 architecture (Phi3ForCausalLM)" },
  rule { family = "phi3", task_pattern = "moe", module = "phimoe",
    reason = "Phi-3.5-MoE is a mixture-of-experts model: EasyDeL's phimoe, not phi3" },
  rule { family = "phi3", task = "phi_3_5_vision", canonical = "phi3_v",
    reason = "Phi-3.5-vision (model_type phi3_v) is a vision-language model, not Phi-3" },

  -- GPT
  rule { family = "gpt_neo", module = false,
    reason = "GPT-Neo is not GPT-NeoX (a different architecture); EasyDeL has no GPT-Neo" },
  rule { family = "gpt_sw3", module = "gpt2",
    reason = "GPT-SW3 checkpoints use the GPT-2 architecture (model_type gpt2)" },
  rule { checkpoint_pattern = "^stabilityai/stablelm%-base%-alpha%-", module = "gpt_neox",
    reason = "StableLM-Base-Alpha checkpoints are GPT-NeoX models (model_type gpt_neox), "
      .. "not StableLM (2+) ones" },

  -- Checkpoints whose architecture EasyDeL does not implement under any name.
  rule { checkpoint_pattern = "^meta%-llama/llama%-3%.2%-%d+b%-vision", canonical = "mllama",
    module = false,
    reason = "Llama-3.2-Vision checkpoints are Mllama models (model_type mllama, cross-attention "
      .. "vision layers), not Llama; EasyDeL has no mllama" },
  rule { checkpoint_pattern = "llava%-v1%.6", canonical = "llava_next", module = false,
    reason = "LLaVA-1.6 (LLaVA-NeXT) checkpoints are model_type llava_next, not llava; EasyDeL "
      .. "has no llava_next" },
  rule { checkpoint_pattern = "xlm%-roberta", canonical = "xlm_roberta", module = false,
    reason = "XLM-RoBERTa checkpoints (model_type xlm-roberta) are not loaded by EasyDeL's "
      .. "roberta (model_type roberta); EasyDeL registers no xlm-roberta" },

  -- Falcon
  rule { family = "falcon", variant_pattern = "mamba", module = "falcon_mamba",
    reason = "Falcon-Mamba is a state-space model: EasyDeL's falcon_mamba, not falcon" },
  rule { family = "falcon", variant_pattern = "^3_%d+b", module = "llama",
    reason = "Falcon3 dense checkpoints use the Llama architecture (model_type llama)" },

  -- Mistral
  rule { family = "mistral", variant_pattern = "^small3_[12]_", module = "mistral3",
    reason = "Mistral-Small-3.1 and 3.2 are multimodal Mistral3 models" },
  rule { family = "mistral", task = "pixtral", module = "llava",
    reason = "mistral/pixtral's loader loads mistral-community/pixtral-12b with "
      .. "LlavaForConditionalGeneration: a Llava model (model_type llava) with a Pixtral vision "
      .. "tower; EasyDeL's pixtral module is only that vision encoder" },
  rule { family = "nous_research", variant_pattern = "mixtral", module = "mixtral",
    reason = "Nous-Hermes-2-Mixtral is a fine-tune of Mixtral-8x7B" },

  -- Cohere
  rule { family = "coherlabs", module = "cohere",
    reason = "Aya 23, Aya Expanse and Command R (+) are Cohere-architecture models" },
  rule { family = "command", variant_pattern = "^a_", module = "cohere2",
    reason = "Command A models use the Cohere2 architecture" },

  -- Gemma
  rule { family = "gemma", variant_pattern = "^2_", module = "gemma2",
    reason = "Gemma 2 checkpoints (2_2B, 2_9B, 2_27B) use the Gemma2 architecture" },
  rule { family = "gemma", task_pattern = "translation", module = "gemma3",
    reason = "TranslateGemma is built on Gemma 3" },

  -- GLM
  rule { family = "glm", variant = { "4.5", "4.5_Air", "4.7" }, module = "glm4_moe",
    reason = "GLM-4.5, GLM-4.5-Air and GLM-4.7 are GLM-4-MoE models" },
  rule { family = "glm", variant = "GLM-4.7-Flash", module = "glm4_moe_lite",
    reason = "GLM-4.7-Flash is a GLM-4-MoE-Lite model" },

  -- DeepSeek: one raw family, several architectures.
  rule { checkpoint_pattern = { "^deepseek%-ai/deepseek%-v3", "^deepseek%-ai/deepseek%-r1$",
    "^deepseek%-ai/deepseek%-r1%-%d+$" }, module = "deepseek_v3",
    reason = "DeepSeek-V3 and DeepSeek-R1 (built on DeepSeek-V3) checkpoints are "
      .. "DeepSeek-V3 models (model_type deepseek_v3)" },
  rule { family = "deepseek", task = "deepseek_moe", variant_pattern = "v2", module = "deepseek_v2",
    reason = "DeepSeek-V2, V2-Lite and Coder-V2 are DeepSeek-V2 models" },
  rule { family = "deepseek", task = "qwen", module = "qwen2",
    reason = "DeepSeek-R1-Distill-Qwen checkpoints are Qwen2 models" },
  rule { family = "deepseek", task = "llama", module = "llama",
    reason = "DeepSeek-R1-Distill-Llama checkpoints are Llama models" },
  rule { family = "deepseek", task = { "deepseek_coder", "deepseek_math", "deepseek_chat" },
    module = "llama",
    reason = "DeepSeek-Coder (v1), DeepSeek-Math and DeepSeek-LLM use the Llama architecture" },

  -- Llama derivatives tt-xla tests under their own names.
  rule { family = { "codellama", "huggyllama", "llama2_70b_chat", "vicuna", "wizardlm_70b",
    "wizardmath_70b", "metamath_70b", "phind", "hermes_4_70b", "allam", "yi_1_5" },
    module = "llama",
    reason = "Llama, fine-tunes of Llama (Code Llama, Vicuna, WizardLM...) or Llama-architecture models" },
  rule { family = "deepcogito", variant_pattern = "llama", module = "llama",
    reason = "Cogito v1 preview (Llama 3B) is a fine-tune of Llama 3.2" },
  rule { family = "nous_research", variant_pattern = "yi34b", module = "llama",
    reason = "Nous-Hermes-2-Yi-34B is a Yi model (Llama architecture)" },
  rule { family = "solar-10_7B", module = "llama",
    reason = "SOLAR-10.7B uses the Llama architecture (depth up-scaled Llama 2)" },
  rule { family = "exaone_3_5", module = "exaone",
    reason = "EXAONE 3.5 uses the EXAONE architecture (model_type exaone)" },

  -- Planned models (PLACEHOLDER_MODELS) by their repo ids.
  rule { checkpoint_pattern = "^meta%-llama/llama%-4%-", module = "llama4",
    reason = "Llama 4 (Scout, Maverick) checkpoints are Llama4 models" },
  rule { checkpoint_pattern = "^minimaxai/minimax%-text%-01", module = "minimax",
    reason = "MiniMax-Text-01 is EasyDeL's minimax (model_type minimax_text_01)" },
}
return aliases
