-- Test task paths and EasyDeL TaskTypes.
--
-- `paths`: a tt-xla task path component -> the EasyDeL TaskType that serves
-- it. A test's TaskType is that of the first component of its task path
-- listed here (causal_lm/moe -> CAUSAL_LM); unlisted components (sub-family
-- names such as deepseek_coder) say nothing about the task. Reports use it
-- to say "EasyDeL has the family but not this task".
--
-- `kinds`: what kind of model an EasyDeL module is, from the most telling
-- TaskType it registers (earlier entries win), for modules whose inventory
-- gives no type of its own.
return {
  paths = {
    causal_lm = "CAUSAL_LM",
    casual_lm = "CAUSAL_LM", -- sic: older tt-xla configs spell it so
    text_generation = "CAUSAL_LM",
    sequence_classification = "SEQUENCE_CLASSIFICATION",
    seq_cls = "SEQUENCE_CLASSIFICATION",
    text_classification = "SEQUENCE_CLASSIFICATION",
    image_classification = "IMAGE_CLASSIFICATION",
    image_text_similarity = "ZERO_SHOT_IMAGE_CLASSIFICATION",
    embedding = "EMBEDDING",
    embedding_generation = "EMBEDDING",
    sentence_embedding_generation = "EMBEDDING",
    audio_classification = "AUDIO_CLASSIFICATION",
    image_text_generation = "IMAGE_TEXT_TO_TEXT",
    image_to_text = "IMAGE_TEXT_TO_TEXT",
    multimodal = "IMAGE_TEXT_TO_TEXT",
  },
  kinds = {
    { "ANY_TO_ANY", "Multi-modal model (any-to-any)" },
    { "IMAGE_TEXT_TO_TEXT", "Vision-language model" },
    { "VISION_LM", "Vision-language model" },
    { "SPEECH_SEQUENCE_TO_SEQUENCE", "Speech model" },
    { "AUDIO_CLASSIFICATION", "Audio model" },
    { "DIFFUSION_LM", "Diffusion language model" },
    { "CAUSAL_LM", "Language model" },
    { "EMBEDDING", "Embedding model" },
    { "SEQUENCE_CLASSIFICATION", "Sequence classifier" },
    { "ZERO_SHOT_IMAGE_CLASSIFICATION", "Vision model" },
    { "IMAGE_CLASSIFICATION", "Vision model" },
    { "BASE_VISION", "Vision model" },
    { "BASE_MODULE", "Base model (no task head)" },
  },
}
