# Sorts before modeling_mixtral.py, so its registration comes first.
from easydel.infra import factory
from easydel.infra.factory import TaskType

from . import mixtral_configuration as cfg


@factory.register_module(
    TaskType.SEQUENCE_CLASSIFICATION,
    cfg.MixtralConfig,
    "mixtral",
)
class MixtralForSequenceClassification(EasyDeLBaseModule):
    pass
