#!/usr/bin/env python3
"""The peer a user would otherwise write: PyYAML (CSafeLoader) reading the
same tt-xla files and EasyDeL manifest, grouping tests by family and
framework, counting statuses, matching families to EasyDeL modules by
normalised name, and printing a Markdown table, like the default rules do
(without their aliasing and phases, which only makes the peer faster).

usage: peer_pyyaml.py --easydel MANIFEST (--tt-xla DIR | --config FILE)...
"""
import argparse
import collections
import glob
import json
import os
import re
import sys

import yaml

Loader = yaml.CSafeLoader


def normalise(name):
    name = re.sub(r"[-.\s]", "_", name.lower())
    return re.sub(r"([a-z])_(\d)", r"\1\2", name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tt-xla", action="append", default=[])
    ap.add_argument("--config", action="append", default=[])
    ap.add_argument("--easydel", required=True)
    a = ap.parse_args()
    files = list(a.config)
    for d in a.tt_xla:
        files += sorted(glob.glob(os.path.join(d, "**", "test_config_*.yaml"), recursive=True))
    with open(a.easydel) as f:
        manifest = json.load(f)
    modules = {}
    for m in manifest["modules"] if isinstance(manifest, dict) else manifest:
        name = m["name"] if isinstance(m, dict) else m
        modules[normalise(name)] = name
        for r in (m.get("registrations", []) if isinstance(m, dict) else []):
            if r.get("model_type"):
                modules.setdefault(normalise(r["model_type"]), name)
    groups = collections.defaultdict(lambda: collections.Counter())
    for path in files:
        fw = os.path.basename(os.path.dirname(path))
        with open(path, "rb") as f:
            doc = yaml.load(f, Loader=Loader) or {}
        for test_id, entry in (doc.get("test_config") or {}).items():
            family = test_id.split("/", 1)[0]
            status = ((entry or {}).get("status") or "UNSPECIFIED").upper()
            groups[(family, fw)][status] += 1
    out = ["| Family | Framework | Tests | Statuses | EasyDeL |", "|---|---|---:|---|---|"]
    for (family, fw), counts in sorted(groups.items()):
        module = modules.get(normalise(family), "")
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        out.append(f"| {family} | {fw} | {sum(counts.values())} | {statuses} | {module} |")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
