x = f"{a!r}" f"{b=}" f"{c:{d}}" f"{e:{{f}}}" f"{g:\n}"
@register_module(TaskType.é, config=ÉConfig)
class Été: pass
