#!/usr/bin/env python3
"""Checks covengine's tt-forge-models scanner and join against an independent
reading of the same files with Python's own `ast` module.

From every loader.py under FORGE it derives, as docs/tt-forge-models.md
defines them: the ModelVariant members, ModelLoader's _VARIANTS (member,
string value, literal pretrained_model_name, line), DEFAULT_VARIANT, the LLM
phases, adapters' base loaders, and the ModelInfo fields of _get_model_info
(literal, per variant, candidates or computed, with their lines), evaluating
its assignments, if/elif/else chains and conditional expressions over the
variants. Then it joins every test id of the tt-xla TREE's YAML files (read
with PyYAML) to a loader variant by matching the id's text against the
loader paths and variant values (not covengine's id grammar), and compares
loaders, variants, the join of every test, the unknown ids and the unlisted
variants with `covengine --dump`.

usage: compare_forge.py COVENGINE TREE FORGE [--loaders N] [--unknown N]
Exit 0 when everything matches, 1 with a list of differences, 77 to skip.
"""
import argparse
import ast
import glob
import json
import os
import re
import subprocess
import sys

try:
    import yaml
except ImportError:
    print("skip: python3-yaml is not installed")
    sys.exit(77)

FIELDS = ("source", "group", "task", "model", "framework")

# The id suffix, written from docs/design.md 3.2.
SUFFIX = re.compile(
    r"^(?:(?P<llm_phase>llm_decode|llm_prefill)-)?(?:seq_\d+-)?(?:batch_\d+-)?"
    r"(?:(?:megatron-no_dp|fsdp-no_dp|fsdp-dp|megatron-dp)-)?"
    r"(?:single_device|data_parallel|tensor_parallel)"
    r"(?:-(?:mesh_default|mesh_\d+x\d+))?(?:-(?:full|op_by_op))?-(?:inference|training)$")


def dotted(node):
    """['a', 'b', 'c'] for a.b.c made of names only, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


def last_name(node):
    d = dotted(node)
    return d[-1] if d else None


def classes(tree):
    found = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    return sorted(found, key=lambda n: (n.lineno, n.col_offset))


def assigns(body):
    """(name, value node, statement) of NAME = v and NAME: T = v statements."""
    for st in body:
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and \
                isinstance(st.targets[0], ast.Name):
            yield st.targets[0].id, st.value, st
        elif isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name) and st.value:
            yield st.target.id, st.value, st


def plain_str(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
            "\0" not in node.value and not re.search("[\ud800-\udfff]", node.value):
        return node.value
    return None


COMP, LIT, CAND = "computed", "literal", "candidates"


class Cell:
    __slots__ = ("kind", "values", "line")

    def __init__(self, kind, values=(), line=0):
        self.kind, self.values, self.line = kind, tuple(values), line


def union(a, b):
    if a is None or b.kind == COMP:
        return b
    if b is None or a.kind == COMP:
        return a
    vals = list(a.values) + [v for v in b.values if v not in a.values]
    return Cell(LIT if len(vals) == 1 else CAND, vals, a.line)


class Info:
    """_get_model_info evaluated over the loader's variants (member names)."""

    def __init__(self, fn, names, default):
        self.names, self.default = names, default
        args = fn.args.args
        self.param = args[1].arg if len(args) >= 2 else None
        self.res = {f: [None] * len(names) for f in FIELDS}
        self.returned = [False] * len(names)
        self.kwline = {}
        self.defline = fn.lineno
        mask = [True] * len(names)
        self.block(fn.body, {}, mask, False)

    def member(self, node):
        d = dotted(node)
        if not d or len(d) < 2:
            return None
        return self.default if d[-1] == "DEFAULT_VARIANT" else d[-1]

    def is_param(self, node):
        return self.param and isinstance(node, ast.Name) and node.id == self.param

    def vset(self, node):
        n = len(self.names)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            s = self.vset(node.operand)
            return None if s is None else [not x for x in s]
        if isinstance(node, ast.BoolOp):
            sets = [self.vset(v) for v in node.values]
            if any(s is None for s in sets):
                return None
            f = all if isinstance(node.op, ast.And) else any
            return [f(s[i] for s in sets) for i in range(n)]
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            op, left, right = node.ops[0], node.left, node.comparators[0]
            eq = isinstance(op, (ast.Eq, ast.Is, ast.NotEq, ast.IsNot))
            if self.is_param(left):
                other = right
            elif self.is_param(right) and eq:
                other = left
            else:
                return None
            if eq:
                d = dotted(other)
                if not d or len(d) < 2:
                    return None
                m = self.member(other)
                s = [x == m for x in self.names]
                return [not x for x in s] if isinstance(op, (ast.NotEq, ast.IsNot)) else s
            if isinstance(op, (ast.In, ast.NotIn)) and \
                    isinstance(other, (ast.Tuple, ast.List, ast.Set)):
                ms = []
                for e in other.elts:
                    d = dotted(e)
                    if not d or len(d) < 2:
                        return None
                    ms.append(self.member(e))
                s = [x in ms for x in self.names]
                return [not x for x in s] if isinstance(op, ast.NotIn) else s
        return None

    def eval(self, node, env, mask):
        n = len(self.names)
        line = node.lineno
        s = plain_str(node)
        if s is not None:
            return [Cell(LIT, [s], line)] * n
        d = dotted(node)
        if d and len(d) >= 2 and d[-2][:1].isupper():
            return [Cell(LIT, [d[-1]], line)] * n
        if isinstance(node, ast.Name) and not self.is_param(node) and node.id in env:
            return [c if c is not None else Cell(COMP, (), line) for c in env[node.id]]
        if isinstance(node, ast.IfExp):
            s = self.vset(node.test)
            mb = [m and (s is None or s[i]) for i, m in enumerate(mask)]
            mo = [m and (s is None or not s[i]) for i, m in enumerate(mask)]
            b, o = self.eval(node.body, env, mb), self.eval(node.orelse, env, mo)
            if s is not None:
                return [b[i] if s[i] else o[i] for i in range(n)]
            return [union(b[i], o[i]) for i in range(n)]
        return [Cell(COMP, (), line)] * n

    def set(self, env, name, vec, mask):
        if name == self.param:
            return
        cur = env.setdefault(name, [None] * len(self.names))
        for i, m in enumerate(mask):
            if m:
                cur[i] = vec[i]

    def spoil(self, st, env, mask):
        for sub in ast.walk(st):
            targets = []
            if isinstance(sub, ast.Assign):
                targets = sub.targets
            elif isinstance(sub, (ast.AugAssign, ast.AnnAssign, ast.For)):
                targets = [sub.target]
            for t in targets:
                for nm in ast.walk(t):
                    if isinstance(nm, ast.Name):
                        self.set(env, nm.id, [Cell(COMP, (), nm.lineno)] * len(self.names),
                                 mask)

    def do_return(self, st, env, mask, uncertain):
        v = st.value
        info = isinstance(v, ast.Call) and last_name(v.func) == "ModelInfo"
        line = v.lineno if v is not None else st.lineno
        star = info and (any(k.arg is None for k in v.keywords) or
                         any(isinstance(a, ast.Starred) for a in v.args))
        for f in FIELDS:
            vec = None
            if info and not uncertain:
                for k in v.keywords:
                    if k.arg == f:
                        vec = self.eval(k.value, env, mask)
                        self.kwline.setdefault(f, k.lineno)
                        break
                if vec is None:
                    vec = [Cell(COMP, (), line) if star else "absent"] * len(self.names)
            else:
                vec = [Cell(COMP, (), line)] * len(self.names)
            for i, m in enumerate(mask):
                if m and not self.returned[i]:
                    self.res[f][i] = vec[i]
        for i, m in enumerate(mask):
            if m:
                self.returned[i] = True

    def block(self, body, env, mask, uncertain):
        mask = list(mask)
        for st in body:
            if isinstance(st, ast.Return):
                self.do_return(st, env, mask, uncertain)
            elif isinstance(st, (ast.Assign, ast.AnnAssign)) and \
                    (isinstance(st, ast.AnnAssign) or len(st.targets) == 1) and \
                    isinstance(st.targets[0] if isinstance(st, ast.Assign) else st.target,
                               ast.Name) and st.value is not None:
                name = (st.targets[0] if isinstance(st, ast.Assign) else st.target).id
                self.set(env, name, self.eval(st.value, env, mask), mask)
            elif isinstance(st, ast.If):
                self.if_chain(st, env, mask, uncertain)
            elif isinstance(st, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For,
                                 ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try)):
                self.spoil(st, env, mask)
            for i in range(len(mask)):
                if self.returned[i]:
                    mask[i] = False

    def if_chain(self, st, env, mask, uncertain):
        clauses, node = [], st
        while True:
            clauses.append((node.test, node.body))
            if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If) and \
                    node.orelse[0].col_offset == node.col_offset and \
                    self.is_elif(node.orelse[0]):
                node = node.orelse[0]
                continue
            if node.orelse:
                clauses.append((None, node.orelse))
            break
        n = len(self.names)
        sets = [[True] * n if t is None else self.vset(t) for t, _ in clauses]
        has_else = clauses[-1][0] is None
        if all(s is not None for s in sets):
            rem = list(mask)
            for s, (_, body) in zip(sets, clauses):
                m = [rem[i] and s[i] for i in range(n)]
                rem = [rem[i] and not s[i] for i in range(n)]
                self.block(body, env, m, uncertain)
            return
        alts = []
        for _, body in clauses:
            copy = {k: list(v) for k, v in env.items()}
            self.block(body, copy, mask, uncertain + 1)
            alts.append(copy)
        if not has_else:
            alts.append({k: list(v) for k, v in env.items()})
        first_seen = set()
        for c, alt in enumerate(alts):
            for name, vec in alt.items():
                cur = env.get(name)
                if cur is None:
                    env[name] = [vec[i] if mask[i] else None for i in range(n)]
                    first_seen.add(name)
                    continue
                for i in range(n):
                    if mask[i]:
                        cur[i] = vec[i] if c == 0 else union(cur[i], vec[i])

    def is_elif(self, node):
        return self.source_lines[node.lineno - 1].lstrip().startswith("elif")


def read_loader(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        text = f.read()
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    Info.source_lines = text.splitlines()
    r = {"line": None, "default": None, "variants": [], "decode": False, "prefill": None,
         "fields": {f: {"how": "absent", "line": None} for f in FIELDS}, "vfields": []}
    cl = classes(tree)
    members = {}
    for c in cl:
        if c.name == "ModelVariant" and any(last_name(b) == "StrEnum" for b in c.bases):
            for name, value, _ in assigns(c.body):
                members[name] = plain_str(value)
            break
    ml = next((c for c in cl if c.name == "ModelLoader"), None)

    def variants_dict(cls):
        value = None
        for name, v, _ in assigns(cls.body):
            if name == "_VARIANTS":
                value = v
        if isinstance(value, ast.Name):
            ref, value = value.id, None
            for name, v, st in assigns(tree.body):
                if name == ref and st.lineno < cls.lineno:
                    value = v
        return value if isinstance(value, ast.Dict) else None

    info = None
    if ml:
        r["line"] = ml.lineno
        for name, v, _ in assigns(ml.body):
            if name == "DEFAULT_VARIANT":
                d = dotted(v)
                r["default"] = d[-1] if d and len(d) >= 2 else None
        for st in ml.body:
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if st.name == "_get_model_info":
                    info = st
                if st.name == "load_inputs_decode":
                    r["decode"] = True
        d = variants_dict(ml)
        seen = {}
        for k, v in zip(d.keys, d.values) if d else ():
            if k is None:
                continue
            dk = dotted(k)
            if not dk or len(dk) < 2:
                continue
            ck = None
            if isinstance(v, ast.Call) and dotted(v.func):
                for kw in v.keywords:
                    if kw.arg == "pretrained_model_name":
                        ck = plain_str(kw.value)
                        break
            name = dk[-1]
            if name in seen:
                seen[name]["checkpoint"] = ck
                continue
            seen[name] = {"name": name, "value": members.get(name), "checkpoint": ck,
                          "line": k.lineno}
            r["variants"].append(seen[name])
    r["own_checkpoint"] = None
    if ml and not r["variants"]:
        # A loader without variants: the one literal it assigns to
        # self.model_name / self.pretrained_model_name (or such a local).
        found = set()
        for sub in ast.walk(ml):
            if isinstance(sub, ast.Assign) and len(sub.targets) == 1:
                t = sub.targets[0]
                name = t.id if isinstance(t, ast.Name) else \
                    t.attr if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) \
                    and t.value.id == "self" else None
                if name in ("model_name", "pretrained_model_name") and \
                        plain_str(sub.value) is not None:
                    found.add(plain_str(sub.value))
        r["own_checkpoint"] = found.pop() if len(found) == 1 else None
    slots = [v["name"] for v in r["variants"]] or [None]
    pk = next((c for c in cl if any(last_name(b) == "ForgePrefillModel" for b in c.bases)), None)
    if pk:
        d = variants_dict(pk)
        keys = None
        if d:
            keys = set()
            for k in d.keys:
                dk = dotted(k) if k is not None else None
                if dk and len(dk) >= 2:
                    keys.add(r["default"] if dk[-1] == "DEFAULT_VARIANT" else dk[-1])
        r["prefill"] = [keys is None or (s is not None and s in keys) for s in slots]
    vf = [{f: None for f in FIELDS} for _ in slots]
    if info:
        ev = Info(info, slots, r["default"])
        if any(ev.returned):
            for f in FIELDS:
                cells = []
                for i, c in enumerate(ev.res[f]):
                    if not ev.returned[i]:
                        c = Cell(COMP, (), ev.defline)
                    cells.append(c)
                    vf[i][f] = c.values[0] if isinstance(c, Cell) and c.kind == LIT else None
                comp = [c for c in cells if isinstance(c, Cell) and c.kind == COMP]
                lits = [c for c in cells if isinstance(c, Cell) and c.kind == LIT]
                cand = [c for c in cells if isinstance(c, Cell) and c.kind == CAND]
                absent = [c for c in cells if c == "absent"]
                fo = {"how": "absent", "line": ev.kwline.get(f)}
                if comp:
                    fo = {"how": "computed", "line": comp[0].line}
                elif cand:
                    vals = set()
                    for c in lits + cand:
                        vals.update(c.values)
                    fo = {"how": "candidates", "line": ev.kwline.get(f),
                          "candidates": sorted(vals)}
                elif lits and not absent and len({c.values for c in lits}) == 1:
                    fo = {"how": "literal", "line": ev.kwline.get(f), "value": lits[0].values[0]}
                elif lits:
                    fo = {"how": "per_variant", "line": ev.kwline.get(f)}
                else:
                    fo["line"] = None
                r["fields"][f] = fo
    if not r["variants"]:
        for f in FIELDS:
            if r["fields"][f]["how"] == "literal":
                vf[0][f] = r["fields"][f]["value"]
    r["vfields"] = vf
    return r


def adapter_base(rel):
    parts = rel.split("/")
    for i, seg in enumerate(parts):
        for suffix in ("_lora", "_dora"):
            if seg.endswith(suffix) and seg != suffix:
                parts[i] = seg[:-len(suffix)]
                return "/".join(parts)
    return None


def discover(forge):
    rels = []
    for root, dirs, files in os.walk(forge):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"
                   and not os.path.islink(os.path.join(root, d))]
        if "loader.py" in files and root != forge:
            rels.append(os.path.relpath(root, forge))
    rels.sort(key=lambda r: r + "/loader.py")
    loaders = {}
    for rel in rels:
        loaders[rel] = read_loader(os.path.join(forge, rel, "loader.py"))
    for rel in rels:
        base = adapter_base(rel)
        if base is None:
            continue
        b = loaders.get(base)
        own = loaders[rel]
        if b is None or adapter_base(base) is not None:
            loaders[rel] = None
            continue
        copy = dict(b)
        copy["line"] = own["line"] if own else None
        copy["base"] = base
        loaders[rel] = copy
    return rels, loaders


def yaml_tests(tree):
    out = []
    for path in sorted(glob.glob(os.path.join(tree, "**", "test_config_*.yaml"),
                                 recursive=True)):
        if path.endswith("test_config_placeholders.yaml"):
            continue
        with open(path) as f:
            data = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
        for key in (data.get("test_config") or {}):
            out.append((path, str(key)))
    return out


def join(test_id, loaders):
    """(loader path, variant value or None) the id names, or None."""
    best = None
    for rel, l in loaders.items():
        if l is None or rel.split("/")[-1] not in ("jax", "pytorch") or "/" not in rel:
            continue
        if test_id.startswith(rel + "-") and (best is None or len(rel) > len(best)):
            best = rel
    if best is None:
        return None
    rest, l = test_id[len(best) + 1:], loaders[best]
    phase = None
    if not l["variants"]:
        m = SUFFIX.match(rest)
        if not m:
            return None
        value, slot = None, 0
        phase = m.group("llm_phase")
    else:
        found = None
        for i, v in enumerate(l["variants"]):
            val = v["value"]
            if val is None or not rest.startswith(val + "-"):
                continue
            m = SUFFIX.match(rest[len(val) + 1:])
            if m and (found is None or len(val) > len(found[1])):
                found = (i, val, m.group("llm_phase"))
        if found is None:
            return None
        slot, value, phase = found
    if phase == "llm_decode" and not l["decode"]:
        return None
    if phase == "llm_prefill" and (l["prefill"] is None or not l["prefill"][slot]):
        return None
    return best, value


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("covengine")
    ap.add_argument("tree")
    ap.add_argument("forge")
    ap.add_argument("--loaders", type=int)
    ap.add_argument("--unknown", type=int)
    a = ap.parse_args()
    for d in (a.tree, a.forge):
        if not os.path.isdir(d):
            print("skip: %s is absent" % d)
            sys.exit(77)
    wrapper = os.environ.get("COVENGINE_WRAPPER", "").split()
    out = subprocess.run(wrapper + [a.covengine, "-q", "--tt-xla", a.tree, "--tt-forge-models",
                                    a.forge, "--dump"], capture_output=True, check=True)
    dump = json.loads(out.stdout)
    rels, loaders = discover(a.forge)
    diffs = []

    def differ(what, mine, theirs):
        if mine != theirs:
            diffs.append("%s: ast %r, covengine %r" % (what, mine, theirs))

    got = {l["path"]: l for l in dump["loaders"]}
    differ("loader paths", rels, [l["path"] for l in dump["loaders"]])
    for rel in rels:
        mine, theirs = loaders[rel], got.get(rel)
        if theirs is None:
            continue
        differ(rel + " readable", mine is not None, theirs["readable"])
        if mine is None:
            continue
        differ(rel + " line", mine["line"], theirs["line"])
        differ(rel + " base", mine.get("base"), theirs["base"])
        differ(rel + " default_variant", mine["default"], theirs["default_variant"])
        phases = (["llm_decode"] if mine["decode"] else []) + \
            (["llm_prefill"] if mine["prefill"] is not None else [])
        differ(rel + " llm_phases", phases, theirs["llm_phases"])
        for f in FIELDS:
            fo, to = mine["fields"][f], dict(theirs["fields"][f])
            if "candidates" in to:
                to["candidates"] = sorted(to["candidates"])
            exp = {k: v for k, v in fo.items() if k != "value"}
            differ("%s field %s" % (rel, f), exp, to)
            differ("%s %s" % (rel, f), fo.get("value"), theirs[f])
        mv = [{"name": v["name"], "value": v["value"], "checkpoint": v["checkpoint"],
               "line": v["line"]} for v in mine["variants"]]
        tv = [{k: v[k] for k in ("name", "value", "checkpoint", "line")}
              for v in theirs["variants"]]
        differ(rel + " variants", mv, tv)
        for i, v in enumerate(theirs["variants"]):
            if i < len(mine["vfields"]):
                differ("%s variant %s fields" % (rel, v["name"]), mine["vfields"][i],
                       {f: v[f] for f in FIELDS})
                if mine["prefill"] is not None:
                    differ("%s variant %s prefill" % (rel, v["name"]), mine["prefill"][i],
                           v["prefill"])

    # The join of every test, the unknown ids and the unlisted variants.
    tests = yaml_tests(a.tree)
    dumped = {}
    for t in dump["tests"]:
        dumped.setdefault((t["file"], t["id"]), t)
    unknown, tested = [], set()
    # An id in two files of one framework is one test, the later file's
    # entry (tt-xla merges the files in order): the dump lists the other
    # under "duplicates".
    def fw_of(path):
        fw = os.path.basename(os.path.dirname(path))
        return fw if fw in ("jax", "torch", "torch_llm") else "torch"
    last = {}
    for path, test_id in tests:
        last[(fw_of(path), test_id)] = path
    replaced = {(d["replaced_file"], d["id"]) for d in dump.get("duplicates", [])}
    kept = []
    for path, test_id in tests:
        if last[(fw_of(path), test_id)] == path:
            kept.append((path, test_id))
        elif (path, test_id) not in replaced:
            diffs.append("test %s (%s) is replaced by a later file's entry, but the dump's "
                         "duplicates do not say so" % (test_id, path))
    tests = kept
    for path, test_id in tests:
        t = dumped.get((path, test_id))
        if t is None:
            diffs.append("test %s (%s) is not in the dump" % (test_id, path))
            continue
        j = join(test_id, loaders)
        theirs = (t["loader"]["path"], t["loader"]["variant"]) if t["loader"] else None
        differ("join of %s (%s)" % (test_id, path), j, theirs)
        differ("loader_unknown of %s" % test_id, j is None, t["loader_unknown"] is not None)
        if j is None:
            unknown.append(test_id)
        else:
            tested.add(j)
            l = loaders[j[0]]
            slot = 0
            for i, v in enumerate(l["variants"]):
                if v["value"] == j[1]:
                    slot = i
                    break
            if t["loader"]:
                v = l["variants"][slot] if l["variants"] else None
                differ("checkpoint of %s" % test_id,
                       v["checkpoint"] if v else l["own_checkpoint"], t["loader"]["checkpoint"])
                for f in ("source", "group"):
                    differ("%s of %s" % (f, test_id), l["vfields"][slot][f], t["loader"][f])
    unlisted_mine, unlisted_theirs = [], []
    for rel in rels:
        l = loaders[rel]
        if l is None or rel.split("/")[-1] not in ("jax", "pytorch") or "/" not in rel:
            continue
        for v in l["variants"] or [{"value": None}]:
            if (rel, v["value"]) not in tested:
                unlisted_mine.append((rel, v["value"]))
        tl = got[rel]
        if tl["variants"]:
            unlisted_theirs += [(rel, v["value"]) for v in tl["variants"] if not v["tested"]]
        elif not tl["tested"]:
            unlisted_theirs.append((rel, None))
    differ("unlisted variants", unlisted_mine, unlisted_theirs)
    differ("unknown count", len(unknown), dump["tt_forge_models"]["unknown"])
    if a.loaders is not None:
        differ("loader count (expected)", a.loaders, len(rels))
    if a.unknown is not None:
        differ("unknown ids (expected)", a.unknown, len(unknown))

    nvar = sum(len(l["variants"]) for l in loaders.values() if l)
    print("%d loaders (%d variants), %d tests, %d unknown, %d unlisted variants" % (
        len(rels), nvar, len(tests), len(unknown), len(unlisted_mine)))
    if diffs:
        for d in diffs[:60]:
            print("DIFF " + d)
        print("%d differences" % len(diffs))
        sys.exit(1)
    print("covengine matches the ast reading")


if __name__ == "__main__":
    main()
