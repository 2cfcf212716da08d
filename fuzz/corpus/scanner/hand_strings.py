# Every string form the lexer knows.
a = rb'\'' + Rb"\"" + BR'''x''' + u"u" + f'{x!r:>{width}}' + F"{'{'}" + t"{y}"
b = f"""{
    "nested" + f'{inner["k"]}'   # comment inside a field
}: {value:{fmt}}"""
c = f"{{literal}} {a:{b:{c}}} \{ {d}"
d = "unterminated
e = 'also
f = r"\
continued"
@register_module(TaskType.CAUSAL_LM, config=f"{C}Config", model_type="a" "b" 'c')
class A(Base): pass
g = """@register_module(TaskType.X)
class InDocstring: pass"""
