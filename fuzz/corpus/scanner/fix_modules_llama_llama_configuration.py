from easydel.infra.factory import register_config


@register_config("llama")
class LlamaConfig:
    model_type: str = "llama"
