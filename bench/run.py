#!/usr/bin/env python3
"""covengine's benchmark against the targets of issue 15. Each case runs the
whole covengine command (load, default rules, Markdown report) beside its
floor and, on the real tree, its peers, interleaved round-robin so machine
noise hits them alike; each figure is the median of --runs runs and every
ratio compares figures of the same run. Wall time and peak RSS come from
wait4() on each child (bench/measure).

Cases:
  real      tt-xla 2026-08-21 + EasyDeL 2026-04-22 + tt-forge-models 2026-08-21
            (../shared/data); floor: bench/real_floor (libyaml events of the
            YAML + cJSON parse of the manifest + reading the loader.py files);
            peers: bench/peer_pyyaml.py and tt-xla's own validator
            (../shared/peers/tt-xla-validator)
  default   bench/gen_ttxla.py N entries (600 families, 10-80 variants each)
  variants  the same with every variant distinct (--distinct variants)
  families  every entry its own family (--distinct families)
Synthetic cases' floor is bench/yaml_floor (libyaml events of the same bytes).

usage: bench/run.py [--build DIR] [--runs N] [--entries N] [--cases LIST]
                    [--out DIR] [--no-load] [--short]
--short is the ctest version (ctest -L bench): 2,000 entries, one run; it
checks that every ratio is computed, not its value (the machine is shared).
Synthetic inputs are generated into bench/out/ (never committed).
"""
import argparse
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
DATA = os.path.join(SHARED, "data")
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

MEASURE = None  # bench/measure in the build directory, set in main()
OUT = os.path.join(ROOT, "bench", "out")  # generated inputs; --out


def run_once(cmd, cwd=ROOT):
    """Wall seconds and peak RSS (KiB) of one run, output discarded. The
    command runs under bench/measure, a small C launcher, so the peak RSS is
    the command's own (a child of this Python process would carry its
    memory into the count)."""
    p = subprocess.run([MEASURE, *cmd], capture_output=True, text=True, cwd=cwd)
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed ({p.returncode})")
    wall, rss = p.stdout.split()
    return float(wall), int(rss)


def synthetic(kind, entries, short):
    """The generated file of a synthetic case, generated on first use."""
    name = {"default": "", "variants": "-variants", "families": "-families"}[kind]
    size = "1m" if entries == 1_000_000 else str(entries)
    path = os.path.join(OUT, f"synthetic-{size}{name}.yaml")
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if not short:
            print(f"bench: generating {path}", file=sys.stderr)
        extra = [] if kind == "default" else ["--distinct", kind]
        subprocess.run([PYTHON, os.path.join(ROOT, "bench", "gen_ttxla.py"), str(entries),
                        f"{path}.{os.getpid()}", *extra], check=True)
        os.replace(f"{path}.{os.getpid()}", path)
    return path


def validator_root():
    """The layout tt-xla's validator wants (peers/README.md): ROOT/tests from
    the peer plus the snapshot's YAML directories, ROOT/third_party/
    tt_forge_models a link to the snapshot. Built in bench/out/, or None
    when the shared peer or data are absent."""
    peer = os.path.join(SHARED, "peers", "tt-xla-validator", "tests")
    yaml_dir = os.path.join(DATA, "tt-xla", "tt-xla-2026-08-21", "tests", "runner", "test_config")
    forge = os.path.join(DATA, "tt-forge-models", "tt-forge-models-2026-08-21")
    if not all(os.path.isdir(d) for d in (peer, yaml_dir, forge)):
        return None
    root = os.path.join(OUT, "validator-root")
    script = os.path.join(root, "tests", "runner", "validate_test_config.py")
    if not os.path.exists(script):
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(peer, os.path.join(root, "tests"))
        for name in os.listdir(yaml_dir):
            src = os.path.join(yaml_dir, name)
            if os.path.isdir(src):
                shutil.copytree(src, os.path.join(root, "tests", "runner", "test_config", name))
        os.makedirs(os.path.join(root, "third_party"))
        os.symlink(forge, os.path.join(root, "third_party", "tt_forge_models"))
    return root


def case(kind, a, build):
    """(label, files, commands {name: (argv, cwd)}, bytes) or None if absent."""
    cov = os.path.join(build, "covengine")
    rules = os.path.join(ROOT, "rules", "phases.lua")
    load_only = os.path.join(ROOT, "bench", "load_only.lua")
    manifest = os.path.join(DATA, "easydel", "easydel-2026-04-22.json")
    if not os.path.exists(manifest):
        manifest = os.path.join(ROOT, "data", "easydel-seed.json")
    cmds = {}
    if kind == "real":
        tree = os.path.join(DATA, "tt-xla", "tt-xla-2026-08-21")
        forge = os.path.join(DATA, "tt-forge-models", "tt-forge-models-2026-08-21")
        vroot = validator_root()
        if not os.path.isdir(tree) or not os.path.isdir(forge) or vroot is None:
            return None
        files = sorted(os.path.join(d, n) for d, _, names in os.walk(tree)
                       for n in names if n.startswith("test_config_") and n.endswith(".yaml"))
        args = ["--tt-xla", tree, "--easydel", manifest, "--tt-forge-models", forge]
        cmds["whole"] = ([cov, "-q", *args, "--format", "markdown", rules], ROOT)
        if not a.no_load:
            cmds["load"] = ([cov, "-q", *args, load_only], ROOT)
        cmds["floor"] = ([os.path.join(build, "bench", "real_floor"), "--json", manifest,
                          "--py", forge, *files], ROOT)
        cmds["pyyaml"] = ([PYTHON, os.path.join(ROOT, "bench", "peer_pyyaml.py"),
                           "--tt-xla", tree, "--easydel", manifest], ROOT)
        cmds["validator"] = ([PYTHON, os.path.join("tests", "runner", "validate_test_config.py")],
                             vroot)
        size = sum(os.path.getsize(f) for f in files)
        return "real tt-xla 2026-08-21 + EasyDeL + tt-forge-models", files, cmds, size
    path = synthetic(kind, a.entries, a.short)
    cmds["whole"] = ([cov, "-q", "--config", path, "--easydel", manifest, "--format", "markdown",
                      rules], ROOT)
    if not a.no_load:
        cmds["load"] = ([cov, "-q", "--config", path, "--easydel", manifest, load_only], ROOT)
    cmds["floor"] = ([os.path.join(build, "bench", "yaml_floor"), path], ROOT)
    return f"{kind} {a.entries:,} entries", [path], cmds, os.path.getsize(path)


# (case, label, function of the case's medians, comparison, limit)
TARGETS = [
    ("default", "1. whole run / bare libyaml parse", lambda m: m["whole"][0] / m["floor"][0],
     "<=", 1.0),
    ("default", "1. peak RSS / file size", lambda m: m["whole"][1] / m["bytes"], "<=", 1.0),
    ("variants", "1. whole run / bare libyaml parse", lambda m: m["whole"][0] / m["floor"][0],
     "<=", 1.0),
    ("variants", "1. peak RSS / file size", lambda m: m["whole"][1] / m["bytes"], "<=", 1.0),
    ("real", "2. whole run / floor (YAML + manifest + .py)",
     lambda m: m["whole"][0] / m["floor"][0], "<=", 2.0),
    ("real", "2. PyYAML peer / whole run", lambda m: m["pyyaml"][0] / m["whole"][0], ">=", 8.0),
    ("real", "2. tt-xla validator / whole run", lambda m: m["validator"][0] / m["whole"][0],
     ">=", 30.0),
    ("families", "3. whole run / bare libyaml parse", lambda m: m["whole"][0] / m["floor"][0],
     "<=", 3.0),
    ("families", "3. peak RSS / file size", lambda m: m["whole"][1] / m["bytes"], "<=", 2.0),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--cases", default="real,default,variants,families")
    ap.add_argument("--out", default=None, help="where generated inputs go (bench/out)")
    ap.add_argument("--no-load", action="store_true", help="skip the load-only runs (quicker)")
    ap.add_argument("--short", action="store_true",
                    help="ctest version: 2,000 entries, one run, checks ratios are computed")
    a = ap.parse_args()
    if a.short:
        a.entries, a.runs = 2000, 1
    global MEASURE, OUT
    OUT = a.out or OUT
    a.build = os.path.abspath(a.build)
    MEASURE = os.path.join(a.build, "bench", "measure")
    for exe in ("covengine", "bench/yaml_floor", "bench/real_floor", "bench/measure"):
        if not os.access(os.path.join(a.build, exe), os.X_OK):
            sys.exit(f"bench: {a.build}/{exe} is missing; build first (cmake --build {a.build})")

    commit = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Machine: {platform.node()}, {os.cpu_count()} CPUs, {platform.platform()}")
    print(f"Date: {time.strftime('%Y-%m-%d %H:%M %Z')}; commit {commit}; "
          f"load average at start {load:.1f}")
    print(f"Runs per figure: {a.runs} (median), interleaved; synthetic cases {a.entries:,} entries\n")
    print("| case | MB | whole s | RSS MB | load only s | floor s | floor RSS MB "
          "| PyYAML peer s | validator s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    medians = {}
    for kind in a.cases.split(","):
        spec = case(kind, a, a.build)
        if spec is None:
            print(f"| {kind}: skipped (../shared absent) | | | | | | | | |")
            continue
        label, _, cmds, size = spec
        results = {k: [] for k in cmds}
        for _ in range(a.runs):
            for k, (cmd, cwd) in cmds.items():
                results[k].append(run_once(cmd, cwd))
        m = {k: (statistics.median(w for w, _ in v), statistics.median(r for _, r in v) * 1024)
             for k, v in results.items()}
        m["bytes"] = size
        medians[kind] = m

        def fig(k, i=0, scale=1.0, fmt="{:.3f}"):
            return fmt.format(m[k][i] * scale) if k in m else "—"
        print(f"| {label} | {size / 1e6:.1f} | {fig('whole')} | {fig('whole', 1, 1e-6, '{:.1f}')} "
              f"| {fig('load')} | {fig('floor')} | {fig('floor', 1, 1e-6, '{:.1f}')} "
              f"| {fig('pyyaml')} | {fig('validator')} |", flush=True)

    print("\n| target | case | measured | limit | result |\n|---|---|---:|---:|---|")
    missing = 0
    for kind, label, f, op, limit in TARGETS:
        if kind not in medians:
            print(f"| {label} | {kind} | skipped | {op} {limit:g} | — |")
            continue
        v = f(medians[kind])
        if not math.isfinite(v) or v <= 0:
            missing += 1
            print(f"| {label} | {kind} | not computed | {op} {limit:g} | ERROR |")
            continue
        ok = v <= limit if op == "<=" else v >= limit
        print(f"| {label} | {kind} | {v:.2f}x | {op} {limit:g}x | {'PASS' if ok else 'FAIL'} |")
    if a.short:
        # The figures of a 2,000-entry run on a shared machine say nothing
        # about the targets; what the short run checks is that every ratio
        # was measured. No case at all (no data) is a skip, not a pass.
        if not medians:
            print("bench: no case could run", file=sys.stderr)
            sys.exit(77)
        if missing:
            sys.exit(1)


if __name__ == "__main__":
    main()
