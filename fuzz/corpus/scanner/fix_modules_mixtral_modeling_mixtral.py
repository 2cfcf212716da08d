from easydel.infra.factory import TaskType, register_module

from .mixtral_configuration import MixtralConfig

MARK = "# not a comment: @register_module(TaskType.CAUSAL_LM)"
x = (1 +
     2) @ y  # matrix multiplication is not a decorator


class Outer:
    @register_module(TaskType.BASE_MODULE, config=MixtralConfig, model_type='mixtral')
    class MixtralModel(EasyDeLBaseModule):
        pass


@register_module(TaskType.CAUSAL_LM, config=MixtralConfig,
                 model_type="mix" "tral")
@register_module(TaskType.IMAGE_TEXT_TO_TEXT, config=MixtralConfig, model_type="mixtral")
class MixtralForCausalLM(EasyDeLBaseModule):
    pass
