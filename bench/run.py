#!/usr/bin/env python3
"""covengine's benchmark: the whole covengine run (load, default rules,
Markdown report) against the bare libyaml event parse of the same files (the
floor) and a Python + PyYAML CSafeLoader script doing the same grouping (the
peer), on the same inputs in the same run. Runs are interleaved round-robin
so machine noise hits all three alike; each figure is the median of --runs
runs. Wall time and peak RSS come from wait4() on each child.

usage: bench/run.py [--build DIR] [--runs N] [--sizes real,10k,100k,1m] [--markdown]
Synthetic inputs are generated into bench/out/ (never committed).
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}


MEASURE = None  # bench/measure in the build directory, set in main()


def run_once(cmd):
    """Wall seconds and peak RSS (KiB) of one run, output discarded. The
    command runs under bench/measure, a small C launcher, so the peak RSS is
    the command's own (a child of this Python process would carry its
    memory into the count)."""
    p = subprocess.run([MEASURE, *cmd], capture_output=True, text=True, cwd=ROOT)
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed ({p.returncode})")
    wall, rss = p.stdout.split()
    return float(wall), int(rss)


def inputs(size, build):
    """(label, yaml files, covengine args, peer args, total bytes)."""
    manifest = os.path.join(SHARED, "easydel", "easydel-2026-04-22.json")
    if not os.path.exists(manifest):
        manifest = os.path.join(ROOT, "data", "easydel-seed.json")
    if size == "real":
        tree = os.path.join(SHARED, "tt-xla", "tt-xla-2026-08-21")
        if not os.path.isdir(tree):
            return None
        files = []
        for d, _, names in os.walk(tree):
            files += [os.path.join(d, n) for n in names if n.startswith("test_config_")]
        files.sort()
        return ("real tt-xla 2026-08-21 (1,999 tests)", files,
                ["--tt-xla", tree, "--easydel", manifest],
                ["--tt-xla", tree, "--easydel", manifest])
    path = os.path.join(ROOT, "bench", "out", f"synthetic-{size}.yaml")
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        print(f"bench: generating {path}", file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_ttxla.py"),
                        str(SIZES[size]), path], check=True)
    return (f"synthetic {size} ({SIZES[size]:,} tests)", [path],
            ["--config", path, "--easydel", manifest],
            ["--config", path, "--easydel", manifest])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", default="real,10k,100k,1m")
    ap.add_argument("--no-peer", action="store_true", help="skip the PyYAML peer (quicker)")
    a = ap.parse_args()
    global MEASURE
    cov = os.path.join(a.build, "covengine")
    floor = os.path.join(a.build, "bench", "yaml_floor")
    MEASURE = os.path.join(a.build, "bench", "measure")
    for exe in (cov, floor, MEASURE):
        if not os.access(exe, os.X_OK):
            sys.exit(f"bench: {exe} is missing; build first (cmake --build {a.build})")
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    rules = os.path.join(ROOT, "rules", "phases.lua")

    print(f"Machine: {platform.node()}, {os.cpu_count()} CPUs, {platform.platform()}")
    print(f"Runs per figure: {a.runs} (median), interleaved\n")
    load_only = os.path.join(ROOT, "bench", "load_only.lua")
    print("| input | MB | covengine s | RSS MB | load only s | floor s | RSS MB | peer s | RSS MB "
          "| covengine/floor | peer/covengine | RSS/file |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    whole = {}
    for size in a.sizes.split(","):
        spec = inputs(size, a.build)
        if spec is None:
            print(f"| {size}: absent | | | | | | | | | | | |")
            continue
        label, files, cov_args, peer_args = spec
        mb = sum(os.path.getsize(f) for f in files) / 1e6
        cmds = {
            "cov": [cov, "-q", *cov_args, "--format", "markdown", rules],
            "load": [cov, "-q", *cov_args, load_only],
            "floor": [floor, *files],
            "peer": [python, os.path.join(ROOT, "bench", "peer_pyyaml.py"), *peer_args],
        }
        if a.no_peer:
            del cmds["peer"]
        results = {k: [] for k in cmds}
        for _ in range(a.runs):
            for k, cmd in cmds.items():
                results[k].append(run_once(cmd))
        med = {k: (statistics.median(w for w, _ in v), statistics.median(r for _, r in v))
               for k, v in results.items()}
        (cw, cr), (fw, fr), lw = med["cov"], med["floor"], med["load"][0]
        whole[size] = cw
        pw, pr = med.get("peer", (float("nan"), float("nan")))
        cr, fr, pr = (r * 1024 / 1e6 for r in (cr, fr, pr))  # KiB -> MB, as the file size
        print(f"| {label} | {mb:.1f} | {cw:.3f} | {cr:.1f} | {lw:.3f} | {fw:.3f} | {fr:.1f} "
              f"| {pw:.3f} | {pr:.1f} | {cw / fw:.2f}x | {pw / cw:.1f}x "
              f"| {cr / mb:.2f} |", flush=True)
    if "100k" in whole and "1m" in whole:
        print(f"\nLinearity: covengine 1m / 100k = {whole['1m'] / whole['100k']:.2f}x "
              "(target at most 11x)")


if __name__ == "__main__":
    main()
