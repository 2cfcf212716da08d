#!/usr/bin/env python3
"""Checks `covengine --format diff-json` between two tt-xla trees against an
independent computation: the YAML files read with PyYAML, and the diff's
definitions (docs/rules.md, "Comparing revisions") rewritten here in Python.

What comes from covengine, as the one input taken on trust: the canonical
family of each test and the EasyDeL module of each family, read from
`covengine --format json` of each tree (aliasing has its own specs). Everything
else is computed here from the YAML and the EasyDeL manifest: statuses,
effective statuses per arch (tests/scripts/compare_effective.py reads them,
from docs/rules.md), which tests pair up (exact id, then the renamed-id key),
promotions and regressions by the status ranking, families tested per
framework (the default policy: one of its entries runs there with
EXPECTED_PASSING, KNOWN_FAILURE_XFAIL or UNSPECIFIED), families' best
statuses, EasyDeL modules tested, test counts and the gate figure (EasyDeL
modules tested in a framework, in percent, 0 of 0 being 100). Each count and
each list of the diff must be equal.

The status ranking and the renamed-id key are the default rules' policy
(rules/diff.lua), restated below; change both together.

usage: compare_diff.py COVENGINE BASE_TREE HEAD_TREE EASYDEL.json [--rules RULES.lua]
                       [--expect NAME=N ...]
Exit 0 when everything matches, 1 with a list of differences, 77 to skip.
"""
import argparse
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

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_effective import RUNS, Test, load_tree  # noqa: E402

# rules/diff.lua: best first.
RANKING = ["EXPECTED_PASSING", "KNOWN_FAILURE_XFAIL", "UNSPECIFIED", "NOT_SUPPORTED_SKIP",
           "EXCLUDE_MODEL"]
RANK = {s: i for i, s in enumerate(RANKING)}
FRAMEWORKS = ("jax", "torch", "torch_llm")


def test_key(test_id):
    """rules/diff.lua test_key: '-full' execution mode dropped, lower case,
    '-' and '.' to '_'."""
    test_id = re.sub(r"-full-([A-Za-z]+)$", r"-\1", test_id)
    return re.sub(r"[-.]", "_", test_id.lower())


def read_tree(tree):
    """The tests of a tree, as tt-xla merges its files (sorted order, a later
    file's entry replacing an earlier one's): (framework, id) -> Test, read
    as compare_effective.py does from docs/rules.md ("Status per arch")."""
    return {k: Test(e) for k, e in load_tree(tree).items()}


def covengine(cmd, args):
    wrapper = os.environ.get("COVENGINE_WRAPPER", "").split()
    p = subprocess.run(wrapper + [cmd, "-q"] + args, capture_output=True)
    if p.returncode != 0:
        sys.exit(f"covengine {' '.join(args)} failed ({p.returncode}): {p.stderr.decode()}")
    return json.loads(p.stdout)


def mapping(report):
    """(framework, id) -> canonical family, and family -> EasyDeL module."""
    family_of, module_of = {}, {}
    for f in report["families"]:
        module_of[f["name"]] = f["easydel"]
        for fw, fe in f["frameworks"].items():
            for v in fe["variants"]:
                family_of.setdefault((fw, v["id"]), f["name"])
    return family_of, module_of


def side(entries, family_of, module_of, manifest_modules):
    tests = {}
    tested = {fw: set() for fw in FRAMEWORKS}
    best = {}
    for (fw, test_id), t in entries.items():
        status = t.summary()
        tests[(fw, test_id)] = (status, t)
        fam = family_of[(fw, test_id)]
        if t.reach() & RUNS:  # the default policy: one of its entries runs there
            tested.setdefault(fw, set()).add(fam)
        k = (fam, fw)
        if k not in best or RANK[status] < RANK[best[k]]:
            best[k] = status
    anywhere = set().union(*tested.values())
    modules = {module_of[f] for f in anywhere if module_of.get(f)}
    covered = len(modules & manifest_modules)
    total = len(manifest_modules)
    figure = 100.0 if total == 0 else 100.0 * covered / total
    return {"tests": tests, "tested": tested, "best": best, "modules": modules,
            "count": len(entries), "figure": figure}


def compute(base, head, family_of_b, family_of_h):
    bt, ht = base["tests"], head["tests"]
    pairs = [(k, k) for k in ht if k in bt]
    left_b = {k for k in bt if k not in ht}
    left_h = {k for k in ht if k not in bt}
    by_key_b, by_key_h = {}, {}
    for k in left_b:
        by_key_b.setdefault((k[0], test_key(k[1])), []).append(k)
    for k in left_h:
        by_key_h.setdefault((k[0], test_key(k[1])), []).append(k)
    renamed = set()
    for key, hs in by_key_h.items():
        bs = by_key_b.get(key, [])
        if len(bs) == 1 and len(hs) == 1:
            pairs.append((bs[0], hs[0]))
            left_b.discard(bs[0])
            left_h.discard(hs[0])
            renamed.add((hs[0], bs[0][1]))
    out = {"added": {(k[0], k[1]) for k in left_h}, "removed": {(k[0], k[1]) for k in left_b},
           "promoted": set(), "regressed": set(), "renamed": renamed,
           "arch_promoted": set(), "arch_regressed": set()}
    for bk, hk in pairs:
        (bs, ba), (hs, ha) = bt[bk], ht[hk]
        if RANK[hs] < RANK[bs]:
            out["promoted"].add((hk, bs, hs))
        elif RANK[hs] > RANK[bs]:
            out["regressed"].add((hk, bs, hs))
        # Every arch either side names, where the test runs on both sides.
        for arch in ba.named() | ha.named():
            f, t = ba.on(arch), ha.on(arch)
            if f is None or t is None:
                continue
            if RANK[t] < RANK[f]:
                out["arch_promoted"].add((hk, arch, f, t))
            elif RANK[t] > RANK[f]:
                out["arch_regressed"].add((hk, arch, f, t))
    out["gained"] = {fw: head["tested"].get(fw, set()) - base["tested"].get(fw, set())
                     for fw in FRAMEWORKS}
    out["lost"] = {fw: base["tested"].get(fw, set()) - head["tested"].get(fw, set())
                   for fw in FRAMEWORKS}
    out["fam_promoted"], out["fam_regressed"] = set(), set()
    for k, to in head["best"].items():
        frm = base["best"].get(k)
        if frm is None:
            continue
        if RANK[to] < RANK[frm]:
            out["fam_promoted"].add((k[0], k[1], frm, to))
        elif RANK[to] > RANK[frm]:
            out["fam_regressed"].add((k[0], k[1], frm, to))
    out["newly"] = head["modules"] - base["modules"]
    out["no_longer"] = base["modules"] - head["modules"]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("covengine")
    ap.add_argument("base")
    ap.add_argument("head")
    ap.add_argument("easydel")
    ap.add_argument("--rules", default="rules/phases.lua")
    ap.add_argument("--expect", action="append", default=[],
                    help="NAME=N: a summary count the diff must have (e.g. tests_renamed=350)")
    a = ap.parse_args()
    for p in (a.base, a.head, a.easydel):
        if not os.path.exists(p):
            print(f"skip: {p} is absent (third-party data in ../shared/data)")
            return 77

    inv = ["--easydel", a.easydel]
    d = covengine(a.covengine, ["--base-tt-xla", a.base, "--tt-xla", a.head] + inv
                  + ["--format", "diff-json", a.rules])
    rb = covengine(a.covengine, ["--tt-xla", a.base] + inv + ["--format", "json", a.rules])
    rh = covengine(a.covengine, ["--tt-xla", a.head] + inv + ["--format", "json", a.rules])
    with open(a.easydel, "rb") as f:
        manifest = {m["name"] for m in json.load(f)["modules"]}
    fb, mb = mapping(rb)
    fh, mh = mapping(rh)
    eb, eh = read_tree(a.base), read_tree(a.head)
    problems = []
    for name, entries, fam in (("base", eb, fb), ("head", eh, fh)):
        missing = set(entries) - set(fam)
        if missing:
            problems.append(f"{name}: {len(missing)} YAML entries missing from covengine's report, "
                            f"e.g. {sorted(missing)[:3]}")
    if problems:
        print("\n".join(problems))
        return 1
    base, head = side(eb, fb, mb, manifest), side(eh, fh, mh, manifest)
    want = compute(base, head, fb, fh)

    def check(what, got, exp):
        if got != exp:
            extra, miss = sorted(got - exp)[:5], sorted(exp - got)[:5]
            problems.append(f"{what}: covengine has {len(got)}, Python {len(exp)}; "
                            f"only covengine: {extra}; only Python: {miss}")

    t, s = d["tests"], d["summary"]
    check("tests added", {(x["framework"], x["id"]) for x in t["added"]}, want["added"])
    check("tests removed", {(x["framework"], x["id"]) for x in t["removed"]}, want["removed"])
    check("tests promoted", {((x["framework"], x["id"]), x["from"], x["to"]) for x in t["promoted"]},
          want["promoted"])
    check("tests regressed", {((x["framework"], x["id"]), x["from"], x["to"])
                              for x in t["regressed"]}, want["regressed"])
    check("tests renamed", {((x["framework"], x["id"]), x["base_id"]) for x in t["renamed"]},
          want["renamed"])
    for which in ("promoted", "regressed"):
        check("arch " + which, {((x["framework"], x["id"]), x["arch"], x["from"], x["to"])
                                for x in d["arches"][which]}, want["arch_" + which])
        check("families " + which, {(x["family"], x["framework"], x["from"], x["to"])
                                    for x in d["families"][which]}, want["fam_" + which])
    for fw in FRAMEWORKS:
        check(f"families gained in {fw}", set(d["families"]["gained"].get(fw, [])),
              want["gained"][fw])
        check(f"families lost in {fw}", set(d["families"]["lost"].get(fw, [])), want["lost"][fw])
    check("modules newly tested", set(d["modules"]["newly_tested"]), want["newly"])
    check("modules no longer tested", set(d["modules"]["no_longer_tested"]), want["no_longer"])

    # Every summary count is the length of its list, and of Python's.
    lengths = {
        "tests_added": len(want["added"]), "tests_removed": len(want["removed"]),
        "tests_promoted": len(want["promoted"]), "tests_regressed": len(want["regressed"]),
        "tests_renamed": len(want["renamed"]),
        "arch_promoted": len(want["arch_promoted"]), "arch_regressed": len(want["arch_regressed"]),
        "families_promoted": len(want["fam_promoted"]),
        "families_regressed": len(want["fam_regressed"]),
        "modules_newly_tested": len(want["newly"]),
        "modules_no_longer_tested": len(want["no_longer"]),
        "phase_changes": len(d["phases"]["changed"]),
    }
    for k, n in lengths.items():
        if s[k] != n:
            problems.append(f"summary.{k} is {s[k]}, expected {n}")
    for k in ("gained", "lost"):
        for fw in FRAMEWORKS:
            got = s["families_" + k].get(fw, 0)
            if got != len(want[k][fw]):
                problems.append(f"summary.families_{k}.{fw} is {got}, expected {len(want[k][fw])}")
    fig = d["figures"]
    for name, sd in (("base", base), ("head", head)):
        if fig["summary"]["tests"][name] != sd["count"]:
            problems.append(f"figures.summary.tests.{name} is {fig['summary']['tests'][name]}, "
                            f"the YAML has {sd['count']} distinct tests")
        if abs(fig["gate"][name] - sd["figure"]) > 1e-9:
            problems.append(f"figures.gate.{name} is {fig['gate'][name]}, expected {sd['figure']}")
        if fig["gate"][name + "_display"] != f"{sd['figure']:.2f}":
            problems.append(f"figures.gate.{name}_display is {fig['gate'][name + '_display']}")
    for e in a.expect:
        k, n = e.split("=")
        v = s[k] if not isinstance(s[k], dict) else sum(s[k].values())
        if v != int(n):
            problems.append(f"summary.{k} is {v}, expected {n} (--expect)")

    for p in problems[:40]:
        print(p)
    if problems:
        print(f"{len(problems)} differences")
        return 1
    print(f"ok: {len(eb)} base and {len(eh)} head entries; the diff's {sum(lengths.values())} "
          f"listed changes and its figures match PyYAML ("
          + ", ".join(f"{k} {v}" for k, v in lengths.items() if v) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
