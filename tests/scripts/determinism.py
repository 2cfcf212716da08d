#!/usr/bin/env python3
"""Same inputs, byte-identical output, whatever Lua's string-hash seed.

Lua 5.4 seeds its string hash from address-space randomisation and the
time, so every process iterates `pairs()` in its own order: output built
from such an iteration differs between runs. This runs covengine RUNS times
as separate processes for every report format, --explain, --dump and the
diff, on the built-in snapshot and (when present) both shared snapshots,
and compares the digests of stdout and stderr (warnings included) and the
exit status across runs.

usage: determinism.py COVENGINE SHARED_DATA [--runs N] [--jobs N]
Exit 0 when every case gives one output, 1 naming the cases that do not.
"""
import argparse
import concurrent.futures
import hashlib
import os
import subprocess
import sys

FORMATS = ["markdown", "json", "csv", "html", "total", "sarif", "github", "summary"]


def cases(shared):
    rules = "rules/phases.lua"
    out = []
    datasets = [("builtin", [])]
    tt = os.path.join(shared, "tt-xla")
    ed = os.path.join(shared, "easydel")
    trees = {"2025-10-31": "easydel-2025-09-15.json", "2026-08-21": "easydel-2026-04-22.json"}
    have = all(os.path.isdir(os.path.join(tt, "tt-xla-" + t)) for t in trees)
    if have:
        for t, inv in trees.items():
            datasets.append((t, ["--tt-xla", os.path.join(tt, "tt-xla-" + t),
                                 "--easydel", os.path.join(ed, inv)]))
        forge = os.path.join(shared, "tt-forge-models", "tt-forge-models-2026-08-21")
        if os.path.isdir(forge):
            datasets.append(("2026-08-21 with tt-forge-models",
                             datasets[-1][1] + ["--tt-forge-models", forge]))
    for name, args in datasets:
        for fmt in FORMATS:
            out.append((f"{name} --format {fmt}", args + ["--format", fmt, rules]))
        out.append((f"{name} --explain llama", args + ["--explain", "llama", rules]))
        out.append((f"{name} --explain llama --format json",
                    args + ["--explain", "llama", "--format", "json", rules]))
        out.append((f"{name} --dump", args + ["--dump"]))
    if have:
        pair = ["--base-tt-xla", os.path.join(tt, "tt-xla-2025-10-31"),
                "--tt-xla", os.path.join(tt, "tt-xla-2026-08-21"),
                "--easydel", os.path.join(ed, "easydel-2026-04-22.json")]
        for fmt in ("diff", "diff-json"):
            out.append((f"diff 2025-10-31 -> 2026-08-21 --format {fmt}",
                        pair + ["--format", fmt, rules]))
    else:
        print("note: no shared snapshots: the built-in snapshot only")
    return out


def digest(cmd):
    p = subprocess.run(cmd, capture_output=True)
    h = hashlib.sha256()
    for part in (str(p.returncode).encode(), b"\0", p.stdout, b"\0", p.stderr):
        h.update(part)
    return h.hexdigest(), p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("covengine")
    ap.add_argument("shared")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    wrapper = os.environ.get("COVENGINE_WRAPPER", "").split()
    todo = cases(a.shared)
    bad = []
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        for name, args in todo:
            cmd = wrapper + [a.covengine, "-v"] + args
            results = list(pool.map(digest, [cmd] * a.runs))
            digests = {d for d, _ in results}
            if results[0][1].returncode != 0:
                bad.append(f"{name}: exit {results[0][1].returncode}: "
                           f"{results[0][1].stderr.decode()[:300]}")
            elif len(digests) != 1:
                bad.append(f"{name}: {len(digests)} different outputs in {a.runs} runs")
    for b in bad:
        print(b)
    if bad:
        print(f"{len(bad)} of {len(todo)} cases are not deterministic")
        return 1
    print(f"ok: {len(todo)} cases, {a.runs} runs each, one output per case")
    return 0


if __name__ == "__main__":
    sys.exit(main())
