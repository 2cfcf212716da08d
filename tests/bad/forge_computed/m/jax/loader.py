class ModelVariant(StrEnum):
    BASE = "Base"
    LARGE = "La" + "rge"
