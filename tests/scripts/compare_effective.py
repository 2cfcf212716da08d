#!/usr/bin/env python3
"""Checks the effective status per (test, arch) that covengine reports
(`--format json`: every family's status counts, per-arch counts, whether it
is tested, and every test's line) against an independent reading of the same
tt-xla tree with PyYAML, written from docs/rules.md ("Status per arch"):

- the files of each framework directory are read in sorted order and a later
  file's entry replaces an earlier one's (as tt-xla merges them), so an id in
  two files counts once;
- a test runs on the arches of its supported_archs; an entry without a status
  of its own whose arch_overrides give one runs on the arches they name; any
  other entry on every arch; on an arch it runs on, the override's status
  applies, else the entry's own (UNSPECIFIED when absent);
- where no arch is named, a test counts as its own status, or, without one,
  as the best status it has on its arches (EXPECTED_PASSING >
  KNOWN_FAILURE_XFAIL > UNSPECIFIED > NOT_SUPPORTED_SKIP > EXCLUDE_MODEL);
- a family is tested in a framework when one of its tests runs there with
  EXPECTED_PASSING, KNOWN_FAILURE_XFAIL or UNSPECIFIED (the default policy).

Which tests make up a family is aliasing, not counting: it is taken from the
report (each family's per-test lines), and every test must belong to exactly
one family. Everything else is recomputed here.

usage: compare_effective.py COVENGINE TREE EASYDEL [--expect FAMILY:FW:ARCH=N ...]
  --expect FAMILY:FW:ARCH=N   the number of the family's tests that run on ARCH
  --expect FAMILY:FW:ARCH:STATUS=N   ... with that status there
  --expect FAMILY:FW:STATUS=N        tests of the family counted as STATUS
  --tests N                          distinct tests in the tree
Exit 0 when everything matches, 1 with a list of differences, 77 to skip.
"""
import argparse
import glob
import json
import os
import subprocess
import sys

try:
    import yaml
except ImportError:
    print("skip: python3-yaml is not installed")
    sys.exit(77)

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

ORDER = ["EXPECTED_PASSING", "KNOWN_FAILURE_XFAIL", "UNSPECIFIED", "NOT_SUPPORTED_SKIP",
         "EXCLUDE_MODEL"]
RUNS = {"EXPECTED_PASSING", "KNOWN_FAILURE_XFAIL", "UNSPECIFIED"}


def status_of(fields):
    s = (fields or {}).get("status")
    return s.upper() if s else None


def load_tree(tree):
    """(framework, id) -> entry, later files replacing earlier ones."""
    entries = {}
    root = tree
    for path in sorted(glob.glob(os.path.join(root, "**", "test_config_*.yaml"), recursive=True)):
        fw = os.path.basename(os.path.dirname(path))
        if fw not in ("jax", "torch", "torch_llm"):
            fw = "torch"
        with open(path, "rb") as f:
            doc = yaml.load(f, Loader=Loader) or {}
        for test_id, entry in (doc.get("test_config") or {}).items():
            entries[(fw, test_id)] = entry or {}
    return entries


class Test:
    """One entry read the way docs/rules.md says tt-xla runs it."""

    def __init__(self, entry):
        self.own = status_of(entry)
        self.overrides = {a: status_of(o) for a, o in (entry.get("arch_overrides") or {}).items()}
        self.supported = entry.get("supported_archs")
        if self.supported is not None:
            self.scope = set(self.supported)
        elif self.own is None and any(s for s in self.overrides.values()):
            self.scope = set(self.overrides)
        else:
            self.scope = None  # every arch

    def on(self, arch):
        if self.scope is not None and arch not in self.scope:
            return None
        return self.overrides.get(arch) or self.own or "UNSPECIFIED"

    def named(self):
        return set(self.supported or []) | set(self.overrides)

    def summary(self):
        if self.own:
            return self.own
        if self.scope:
            return min((self.on(a) for a in self.scope), key=ORDER.index)
        return "UNSPECIFIED"

    def elsewhere(self):
        return (self.own or "UNSPECIFIED") if self.scope is None else None

    def reach(self):
        got = {self.on(a) for a in self.named()} - {None}
        if self.scope is None:
            got.add(self.own or "UNSPECIFIED")
        return got


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("covengine")
    ap.add_argument("tree")
    ap.add_argument("easydel")
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--tests", type=int)
    a = ap.parse_args()
    if not os.path.isdir(a.tree):
        print(f"skip: {a.tree} is absent (third-party data in ../shared/data)")
        return 77
    here = os.path.dirname(os.path.abspath(__file__))
    rules = os.path.join(here, "..", "..", "rules", "phases.lua")
    wrapper = os.environ.get("COVENGINE_WRAPPER", "").split()
    report = json.loads(subprocess.run(
        wrapper + [a.covengine, "-q", "--tt-xla", a.tree, "--easydel", a.easydel,
                   "--format", "json", rules], check=True, capture_output=True).stdout)

    entries = load_tree(a.tree)
    tests = {k: Test(e) for k, e in entries.items()}
    arches = sorted({x for t in tests.values() for x in t.named()})
    problems = []
    if report["summary"]["tests"] != len(tests):
        problems.append(f"report counts {report['summary']['tests']} tests, PyYAML "
                        f"{len(tests)} distinct ones")
    if a.tests is not None and len(tests) != a.tests:
        problems.append(f"expected {a.tests} distinct tests, the tree has {len(tests)}")

    seen = {}
    figures = {}
    for fam in report["families"]:
        for fw, fe in fam["frameworks"].items():
            members = []
            for line in fe["variants"]:
                key = (fw, line["id"])
                if key in seen:
                    problems.append(f"{fw} {line['id']}: in {seen[key]} and {fam['name']}")
                seen[key] = fam["name"]
                t = tests.get(key)
                if t is None:
                    problems.append(f"{fw} {line['id']}: not in the YAML")
                    continue
                members.append(t)
                want_arch = {x: t.on(x) for x in t.named()}
                if line["status"] != t.summary():
                    problems.append(f"{fw} {line['id']}: status {line['status']}, "
                                    f"PyYAML {t.summary()}")
                if line.get("arch_status") != want_arch:
                    problems.append(f"{fw} {line['id']}: arch_status {line.get('arch_status')}, "
                                    f"PyYAML {want_arch}")
                if line.get("status_elsewhere") != t.elsewhere():
                    problems.append(f"{fw} {line['id']}: status_elsewhere "
                                    f"{line.get('status_elsewhere')}, PyYAML {t.elsewhere()}")
            name = f"{fam['name']}/{fw}"
            counts = {}
            for t in members:
                counts[t.summary()] = counts.get(t.summary(), 0) + 1
            if fe["status_counts"] != counts:
                problems.append(f"{name}: status counts {fe['status_counts']}, PyYAML {counts}")
            if fe["count"] != len(members):
                problems.append(f"{name}: count {fe['count']}, PyYAML {len(members)}")
            tested = any(t.reach() & RUNS for t in members)
            if fe["tested"] != tested:
                problems.append(f"{name}: tested {fe['tested']}, PyYAML {tested}")
            per_arch = {}
            for x in arches:
                c = {}
                for t in members:
                    s = t.on(x)
                    if s:
                        c[s] = c.get(s, 0) + 1
                per_arch[x] = c
                shown = fe["arch_status"].get(x, fe["status_counts"])
                if shown != c:
                    problems.append(f"{name} on {x}: {shown}, PyYAML {c}")
            figures[(fam["name"], fw)] = (counts, per_arch)
    missing = set(tests) - set(seen)
    for key in sorted(missing)[:10]:
        problems.append(f"{key[0]} {key[1]}: in no family of the report")

    for e in a.expect:
        spec, _, n = e.rpartition("=")
        parts = spec.split(":")
        counts, per_arch = figures.get((parts[0], parts[1]), ({}, {}))
        if len(parts) == 3 and parts[2] in ORDER:
            got = counts.get(parts[2], 0)
        elif len(parts) == 3:
            got = sum(per_arch.get(parts[2], {}).values())
        else:
            got = per_arch.get(parts[2], {}).get(parts[3], 0)
        if got != int(n):
            problems.append(f"expected {e}, PyYAML says {got}")

    for p in problems[:40]:
        print(p)
    if problems:
        print(f"{len(problems)} differences")
        return 1
    print(f"ok: {len(tests)} distinct tests in {len(figures)} family/framework pairs, "
          f"on {len(arches)} arches, match PyYAML")
    return 0


if __name__ == "__main__":
    sys.exit(main())
