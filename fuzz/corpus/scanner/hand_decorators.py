@register_module
class NoCall: pass

@register_module()
@register_module(TaskType.A)
@register_module(task_type="STRING_TASK", config="StrConfig", model_type=f"x{y}")
class Stacked(Base[T], metaclass=M):
    @register_module(TaskType.METHOD, config=C, model_type="m")
    class Inner: pass

@register_module(TaskType.Z, [1, (2, {3: ")"})], config=Cfg
x = 1
@register_module(TaskType.NEVER_CLOSED,
