# auto/ is the factory package, not a module.
from easydel.infra.factory import TaskType, register_module


@register_module(TaskType.CAUSAL_LM, config=AutoConfig, model_type="auto")
class AutoForCausalLM:
    pass
