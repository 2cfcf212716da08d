# Directories starting with '_' are not modules.
from easydel.infra.factory import TaskType, register_module


@register_module(TaskType.CAUSAL_LM, config=PrivateConfig, model_type="private")
class PrivateForCausalLM:
    pass
