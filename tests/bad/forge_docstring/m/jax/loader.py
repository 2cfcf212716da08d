"""A loader whose docstring shows code that is not code:

    class ModelVariant(StrEnum):
        DOC = "Doc"

    @classmethod
    def _get_model_info(cls, variant=None):
        return ModelInfo(source=ModelSource.EASYDEL)
"""


class ModelVariant(StrEnum):
    BASE = "Base"


class ModelLoader(ForgeModel):
    _VARIANTS = {ModelVariant.BASE: ModelConfig(pretrained_model_name="org/m")}
