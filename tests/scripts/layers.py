#!/usr/bin/env python3
"""The include direction of src/ (docs/design.md): every `#include "..."`
under src/ names a header by its layer ("base/alloc.h"), a file includes
only its own layer or a lower one, and no two modules (a .c with its .h)
include each other, directly or round a longer cycle.

    layers.py ROOT          check ROOT/src; exit 1 and FILE:LINE per problem
    layers.py --self-test   check that each rule catches what it is for

Layers, lowest first: base formats model load lua api cli. include/covengine.h
(the public header) may be included from anywhere."""

import os
import re
import sys
import tempfile

LAYERS = ["base", "formats", "model", "load", "lua", "api", "cli"]
RANK = {name: i for i, name in enumerate(LAYERS)}
PUBLIC = {"covengine.h"}
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]*)"')


def module_of(path):
    """'lua/lua_model.c' -> 'lua/lua_model' (a .c and its .h are one)."""
    return os.path.splitext(path)[0]


def read_includes(src):
    """[(file, line, included)] for every quoted include of every .c/.h
    under src, files relative to src, in sorted order; each file first comes
    once with line 0 and included None."""
    found = []
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, src).replace(os.sep, "/")
            found.append((rel, 0, None))  # the file itself, includes or not
            with open(path, encoding="utf-8", errors="replace") as f:
                for number, text in enumerate(f, 1):
                    m = INCLUDE.match(text)
                    if m:
                        found.append((rel, number, m.group(1)))
    return found


def strongly_connected(graph):
    """Tarjan's components of graph {node: set(nodes)}, each sorted."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def check(root):
    """The problems of root/src as sorted "src/FILE:LINE: message" lines,
    and a summary."""
    src = os.path.join(root, "src")
    if not os.path.isdir(src):
        return ["%s: no src/ directory" % root], ""
    problems = []
    graph = {}  # module -> {module: [(file, line)]}
    files = includes = 0
    for rel, line, inc in read_includes(src):
        where = "src/%s:%d" % (rel, line)
        layer = rel.split("/")[0] if "/" in rel else None
        if inc is None:
            files += 1
            if layer not in RANK:
                problems.append("src/%s:1: not in a layer folder (%s)"
                                % (rel, ", ".join(LAYERS)))
            continue
        if layer not in RANK:
            continue
        includes += 1
        if inc in PUBLIC:
            continue
        parts = inc.split("/")
        if len(parts) != 2 or parts[0] not in RANK or not parts[1]:
            problems.append('%s: "%s" is not included by layer ("base/alloc.h")'
                            % (where, inc))
            continue
        if not os.path.isfile(os.path.join(src, inc)):
            problems.append('%s: "%s" does not exist under src/' % (where, inc))
            continue
        if RANK[parts[0]] > RANK[layer]:
            problems.append('%s: "%s": %s (layer %d) must not include %s (layer %d)'
                            % (where, inc, layer, RANK[layer], parts[0], RANK[parts[0]]))
        a, b = module_of(rel), module_of(inc)
        if a != b:
            graph.setdefault(a, {}).setdefault(b, []).append((rel, line))
            graph.setdefault(b, {})
    for comp in strongly_connected({k: set(v) for k, v in graph.items()}):
        if len(comp) < 2:
            continue
        members = set(comp)
        for a in comp:
            for b in sorted(graph[a]):
                if b in members:
                    for rel, line in graph[a][b]:
                        problems.append("src/%s:%d: cycle between modules %s: %s includes %s"
                                        % (rel, line, " ".join(comp), a, b))
    summary = "%d files, %d includes, %d modules" % (files, includes, len(graph))
    return sorted(set(problems), key=position), summary


def position(problem):
    """Sort key: file, then line as a number, then the message."""
    where, _, message = problem.partition(": ")
    path, _, line = where.rpartition(":")
    return (path, int(line) if line.isdigit() else 0, message)


def self_test():
    """Each rule on a small tree made to break it, and a clean tree."""
    cases = [
        ("clean", {"base/a.h": "", "base/a.c": '#include "base/a.h"\n#include "covengine.h"\n',
                   "lua/b.c": '#include "base/a.h"\n'}, []),
        ("upward", {"base/a.c": '#include "lua/b.h"\n', "lua/b.h": ""},
         ["src/base/a.c:1:", "must not include lua"]),
        ("unqualified", {"lua/b.c": '#include "b.h"\n', "lua/b.h": ""},
         ["src/lua/b.c:1:", "not included by layer"]),
        ("not a layer", {"lua/b.c": '#include "util/x.h"\n'},
         ["src/lua/b.c:1:", "not included by layer"]),
        ("missing", {"lua/b.c": '#include "base/nope.h"\n'},
         ["src/lua/b.c:1:", "does not exist"]),
        ("outside", {"x.c": ""}, ["src/x.c:1:", "not in a layer folder"]),
        ("cycle", {"lua/a.h": "", "lua/b.h": "", "lua/c.h": "",
                   "lua/a.c": '#include "lua/b.h"\n', "lua/b.c": '#include "lua/c.h"\n',
                   "lua/c.c": '\n#include "lua/a.h"\n'},
         ["src/lua/c.c:2:", "cycle between modules lua/a lua/b lua/c"]),
        ("same module", {"lua/a.h": "", "lua/a.c": '#include "lua/a.h"\n'}, []),
    ]
    failures = 0
    for name, tree, expect in cases:
        with tempfile.TemporaryDirectory() as root:
            for rel, text in tree.items():
                path = os.path.join(root, "src", rel)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as f:
                    f.write(text)
            problems, _ = check(root)
        if not expect:
            ok = problems == []
        else:
            ok = any(all(e in p for e in expect) for p in problems)
        print("%s: %s%s" % ("ok" if ok else "FAILED", name,
                            "" if ok else " -> %r" % problems))
        failures += not ok
    print("self-test: %d of %d cases failed" % (failures, len(cases)))
    return 1 if failures else 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    problems, summary = check(argv[1])
    for p in problems:
        print(p)
    if problems:
        print("layers: %d problem(s) in %s" % (len(problems), summary))
        return 1
    print("layers: ok, %s, no cycle" % summary)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
