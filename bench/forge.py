#!/usr/bin/env python3
"""The tt-forge-models loader scan against the bare read of the same files:
`covengine --tt-forge-models DIR` with a rule script that does nothing
(start-up + walk + lexing + reading the loaders + join) against
bench/read_floor walking the same tree and reading the loader.py files it
scans, and every .py file; then what the tree adds to a whole default run on
the tt-xla snapshot that pins it (join, per-variant facts, the loader lists).
Runs are interleaved round-robin; each figure is the median of --runs runs,
wall time and peak RSS from bench/measure.

usage: bench/forge.py [--build DIR] [--runs N]
"""
import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (run_once, ROOT, SHARED)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(bench.ROOT, "build"))
    ap.add_argument("--runs", type=int, default=11)
    a = ap.parse_args()
    bench.MEASURE = os.path.join(a.build, "bench", "measure")
    cov = os.path.join(a.build, "covengine")
    floor = os.path.join(a.build, "bench", "read_floor")
    for exe in (cov, floor, bench.MEASURE):
        if not os.access(exe, os.X_OK):
            sys.exit(f"bench: {exe} is missing; build first (cmake --build {a.build})")
    forge = os.path.join(bench.SHARED, "tt-forge-models", "tt-forge-models-2026-08-21")
    tree = os.path.join(bench.SHARED, "tt-xla", "tt-xla-2026-08-21")
    manifest = os.path.join(bench.SHARED, "easydel", "easydel-2026-04-22.json")
    if not os.path.isdir(forge) or not os.path.isdir(tree):
        sys.exit("bench: the shared tt-forge-models and tt-xla 2026-08-21 snapshots are absent")
    py, loaders = [], []
    for d, dirs, names in os.walk(forge):
        dirs[:] = [x for x in dirs if not x.startswith(".") and x != "__pycache__"]
        py += [os.path.join(d, n) for n in names if n.endswith(".py")]
        loaders += [os.path.join(d, n) for n in names if n == "loader.py"]
    mb = lambda files: sum(os.path.getsize(f) for f in files) / 1e6  # noqa: E731
    load_only = os.path.join(bench.ROOT, "bench", "load_only.lua")
    rules = os.path.join(bench.ROOT, "rules", "phases.lua")
    base = ["-q", "--tt-xla", tree, "--easydel", manifest]
    cmds = {
        "scan": [cov, "-q", "--tt-forge-models", forge, load_only],
        "floor_loaders": [floor, forge, "loader.py"],
        "floor_py": [floor, forge, ".py"],
        "start": [cov, "-q", "--config", os.path.join(tree, "tests", "runner", "test_config",
                                                        "torch", "test_config_placeholders.yaml"),
                  load_only],
        "load": [cov, *base, load_only],
        "load_forge": [cov, *base, "--tt-forge-models", forge, load_only],
        "whole": [cov, *base, rules],
        "whole_forge": [cov, *base, "--tt-forge-models", forge, rules],
    }
    results = {k: [] for k in cmds}
    for _ in range(a.runs):
        for k, cmd in cmds.items():
            results[k].append(bench.run_once(cmd))
    med = {k: (statistics.median(w for w, _ in v) * 1000, statistics.median(r for _, r in v) / 1024)
           for k, v in results.items()}
    print(f"{len(loaders)} loader.py files ({mb(loaders):.1f} MB) of {len(py)} .py files "
          f"({mb(py):.1f} MB); median of {a.runs} runs\n")
    print("| command | ms | RSS MB |\n|---|---:|---:|")
    labels = {
        "scan": "covengine --tt-forge-models (scan + join, no rules)",
        "floor_loaders": "read_floor: walk + read the loader.py files",
        "floor_py": "read_floor: walk + read every .py file",
        "start": "covengine start-up (one small YAML, no rules)",
        "load": "covengine load of tt-xla 2026-08-21 + manifest, no rules",
        "load_forge": "the same + --tt-forge-models",
        "whole": "whole default run (Markdown)",
        "whole_forge": "whole default run + --tt-forge-models",
    }
    for k in cmds:
        print(f"| {labels[k]} | {med[k][0]:.1f} | {med[k][1]:.1f} |")
    s, fl, fp, st = med["scan"][0], med["floor_loaders"][0], med["floor_py"][0], med["start"][0]
    print(f"\nscan / read of the same loader.py files: {s / fl:.2f}x; "
          f"scan - start-up = {s - st:.1f} ms vs {fl:.1f} ms; "
          f"scan / read of every .py file: {s / fp:.2f}x")
    print(f"the tree adds {med['load_forge'][0] - med['load'][0]:.1f} ms to the load and "
          f"{med['whole_forge'][0] - med['whole'][0]:.1f} ms to the whole run")


if __name__ == "__main__":
    main()
