x = """
class ModelVariant(StrEnum):
