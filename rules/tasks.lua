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
--
-- Every task path component that names a task is listed: the ones EasyDeL
-- serves under its own TaskType names, and the ones it has no TaskType for
-- under the usual (Hugging Face) task names, so that a family tested on such
-- a task shows it as one EasyDeL lacks (roberta's masked LM tests).
--
-- `variant_tasks`: the components of `paths` that may also be written in a
-- variant name when the task path names none (gpt2's
-- "gpt2/pytorch-Sequence_Classification-..."), as whole words of the
-- variant in lower case with '-', '.' and '/' read as '_'.
local R = require "covengine.rules"

local tasks = R.tasks {
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
    -- Tasks EasyDeL has no TaskType for (its modules never register them).
    masked_lm = "MASKED_LM",
    token_classification = "TOKEN_CLASSIFICATION",
    token_cls = "TOKEN_CLASSIFICATION",
    question_answering = "QUESTION_ANSWERING",
    qa = "QUESTION_ANSWERING",
    reader = "QUESTION_ANSWERING", -- DPR's reader: extractive QA
    context_encoder = "EMBEDDING", -- DPR's passage encoder
    question_encoder = "EMBEDDING", -- DPR's question encoder
    summarization = "SEQUENCE_TO_SEQUENCE",
    nlp_summarization = "SEQUENCE_TO_SEQUENCE",
    text_translation = "SEQUENCE_TO_SEQUENCE",
    text_extraction_and_translation = "SEQUENCE_TO_SEQUENCE",
    translation = "SEQUENCE_TO_SEQUENCE",
    masked_image_modeling = "MASKED_IMAGE_MODELING",
    object_detection = "OBJECT_DETECTION",
    semantic_segmentation = "IMAGE_SEGMENTATION",
    segmentation = "IMAGE_SEGMENTATION",
    text_to_image = "TEXT_TO_IMAGE",
  },
  variant_tasks = { "sequence_classification", "token_classification", "question_answering",
    "masked_lm", "seq_cls", "token_cls" },
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
return tasks
