"""Llama, as a scanner test.

Usage example (inside a docstring, so it is not code):

    @register_module(TaskType.CAUSAL_LM, config=LlamaConfig, model_type="docstring")
    class DocstringModel(EasyDeLBaseModule):
        ...
"""

from easydel.infra.factory import TaskType, register_module

from .llama_configuration import LlamaConfig

# @register_module(TaskType.CAUSAL_LM, config=LlamaConfig, model_type="comment")
# class CommentedOut(EasyDeLBaseModule):

PATTERN = r"\(@register_module\(TaskType\.([A-Z_]+)\)"
NOTE = f"{len('(')} open parens: ( ( and a quote \" and {PATTERN!r:>10}"


@register_module(TaskType.BASE_MODULE, config=LlamaConfig, model_type="llama")
class LlamaModel(EasyDeLBaseModule):
    """The base model; see @register_module(TaskType.X) in the docs."""

    def __init__(self, config):
        self.config = config


@register_module(
    TaskType.CAUSAL_LM,
    config=LlamaConfig,  # a comment inside the arguments: )
    model_type="llama",
    embedding_layer_names=["embed_tokens", "lm_head"],
    layernorm_names=dict(norm=("input_layernorm", "post_attention_layernorm")),
)
class LlamaForCausalLM(BaseCausalLMModule[LlamaModel, LlamaConfig]):
    pass


@register_module(TaskType.SEQUENCE_CLASSIFICATION, config=LlamaConfig, model_type="llama")
@some_other_decorator(reason="a ')' in a string", sizes=[1, (2, 3)])

# a comment and a blank line between the decorators and the class
@auto_pytree
class LlamaForSequenceClassification(EasyDeLBaseModule):
    pass


@register_module(TaskType.AUDIO_CLASSIFICATION, config=LlamaConfig, model_type="llama")
def not_a_class():
    """A registration on a function is skipped with a warning."""
