from easydel.infra.factory import TaskType, register_module


@register_module(TaskType.CAUSAL_LM, config=CafConfig, model_type="caf")
class CaféModel(EasyDeLBaseModule):
    pass
