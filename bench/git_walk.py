#!/usr/bin/env python3
"""The git history walk (issue 16): enumerate every first-parent revision of
the shared tt-xla history bundle and read each revision's config tree and
its YAML blob ids, nothing parsed, through covengine's git layer
(bench/git_walk.c); with --skip-unchanged a revision whose config tree id
did not change reuses the previous listing. The reference is the same with
the git CLI: `git rev-list` once, then `git ls-tree -r` per revision.
Interleaved runs, median wall time and peak RSS (bench/measure).

usage: bench/git_walk.py [--build DIR] [--runs N]
"""
import statistics
import subprocess
import sys

from common import ROOT, arguments, history_clone, programs

GIT_LOOP = ("git -C \"$1\" rev-list --first-parent --reverse main | "
            "while read c; do git -C \"$1\" ls-tree -r \"$c\" tests/runner/test_config; done")


def run_once(measure, cmd):
    p = subprocess.run([measure, *cmd], capture_output=True, text=True, cwd=ROOT)
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed ({p.returncode}): {p.stderr}")
    wall, rss = p.stdout.split()
    return float(wall), int(rss)


def main():
    a = arguments(runs=5)
    walk, measure = programs(a.build, "bench/git_walk", "bench/measure")
    with history_clone() as (_, repo):
        if repo is None:
            return
        out = subprocess.run([walk, repo, "main"], capture_output=True, text=True,
                             check=True).stdout.split()
        figures = dict(zip(out[0::2], out[1::2]))
        print("Walk: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
        cmds = {
            "covengine git layer, every listing": [walk, repo, "main"],
            "covengine git layer, unchanged trees skipped": [walk, "--skip-unchanged", repo,
                                                             "main"],
            "git CLI: rev-list + ls-tree -r per revision": ["sh", "-c", GIT_LOOP, "sh", repo],
        }
        results = {k: [] for k in cmds}
        for _ in range(a.runs):
            for k, cmd in cmds.items():
                results[k].append(run_once(measure, cmd))
        print(f"\nRuns per figure: {a.runs} (median), interleaved\n")
        print("| walk of 566 revisions | s | ms per revision | peak RSS MB |")
        print("|---|---:|---:|---:|")
        revs = int(figures.get("revisions", "1"))
        for k, v in results.items():
            w = statistics.median(x for x, _ in v)
            r = statistics.median(y for _, y in v) * 1024 / 1e6
            print(f"| {k} | {w:.3f} | {1000 * w / revs:.3f} | {r:.1f} |")


if __name__ == "__main__":
    main()
