'''GPT-J, as a scanner test.

@register_module(TaskType.CAUSAL_LM, config=GPTJConfig, model_type="single-quoted docstring")
class Fake:
'''
from easydel.infra.factory import TaskType, register_module

from .gpt_j_configuration import GPTJConfig

SAMPLES = [
    rb'raw bytes with a quote \' and (',
    Rb"(((",
    BR'\\',
    u"unicode \" (",
    f"{'nested'} {"same quotes, Python 3.12"} {{literal braces}} (",
    F'''triple f {x:{width}} ( ''' + fR"raw f \{y} (",
    """triple double with "quotes" and ''' inside (""",
    '\\',
]
LONG = "line one \
continued ( @register_module(TaskType.CAUSAL_LM)"


@register_module(task_type=TaskType.BASE_MODULE, config=GPTJConfig, model_type="gptj")
class GPTJModel(EasyDeLBaseModule):
    pass


@register_module(TaskType.CAUSAL_LM, GPTJConfig, model_type="gptj")
class GPTJForCausalLM(EasyDeLBaseModule):
    pass
