class ModelVariant(StrEnum):
    BASE = "Café"
