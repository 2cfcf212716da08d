class ModelVariant(StrEnum):
    BASE = "Base"
class ModelLoader(ForgeModel):
    _VARIANTS = {ModelVariant.BASE: C(pretrained_model_name="o/b")}
    def _get_model_info(cls, variant=None):
        return ModelInfo(source=(ModelSource.A if variant == ModelVariant.BASE else ModelSource.B))
    def load_inputs_decode(self):
        pass
