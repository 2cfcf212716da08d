class ModelVariant(StrEnum):
    BASE = "Base"
    LARGE = "Large
