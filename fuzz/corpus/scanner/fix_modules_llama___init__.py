from .llama_configuration import LlamaConfig
from .modeling_llama import LlamaForCausalLM, LlamaForSequenceClassification, LlamaModel
