@register_module(TaskType.BASE_MODULE, config=Cfg, model_type="bom")
class WithBom:
    pass
@easydel.infra.factory.register_module(
  task_type=TaskType.CAUSAL_LM,\
  config=pkg.mod.Cfg., model_type=1)
class Dotted: pass@register_module(a, b, c, d, e=f)def notclass(): pass