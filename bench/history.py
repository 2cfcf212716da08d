#!/usr/bin/env python3
"""Coverage over time (issue 16): the whole shared history built and
reported, against
  - the floor: the 539 distinct config blobs read through libgit2 and parsed
    by libyaml, nothing else (bench/history_floor.c);
  - the loop it replaces: per revision `git archive REV
    tests/runner/test_config | tar -x` and a plain covengine run on it, timed
    on a sample of --sample revisions spread over the history and
    extrapolated to all of them (said so in the output).
Every figure is the median of --runs runs: wall seconds, CPU seconds
(user + sys; the machine is shared, so CPU time is the steadier figure)
and peak RSS, from /usr/bin/time.

usage: bench/history.py [--build DIR] [--runs N] [--sample N]
"""
import os
import shutil
import statistics
import subprocess
import sys

from common import ROOT, SHARED, arguments, history_clone, programs

EASYDEL = os.path.join(SHARED, "easydel", "easydel-2026-04-22.json")


def timed(cmd, **kw):
    """(wall, cpu, rss_kb) of one run of cmd, which must succeed."""
    p = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", *cmd], capture_output=True,
                       text=True, cwd=ROOT, **kw)
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed ({p.returncode}): {p.stderr[-2000:]}")
    wall, user, sys_, rss = p.stderr.strip().splitlines()[-1].split()
    return float(wall), float(user) + float(sys_), int(rss)


def median(runs):
    return tuple(statistics.median(r[i] for r in runs) for i in range(3))


def main():
    a = arguments(runs=3, extra=[("--sample", 20)])
    exe, floor = programs(a.build, "covengine", "bench/history_floor")
    with history_clone() as (work, repo):
        if repo is None:
            return
        print(subprocess.run([floor, repo], capture_output=True, text=True,
                             check=True).stdout.strip())
        base = [exe, "-q", "--tt-xla-git", repo, "--history", "--easydel", EASYDEL]
        cmds = {
            "floor: libgit2 read + libyaml parse of the distinct blobs": [floor, repo],
            "history, load only (bench/history_load.lua)": base + ["bench/history_load.lua"],
            "history + default rules, --format trend-json": base + ["--format", "trend-json"],
            "history + default rules, --blame qwen_3": base + ["--blame", "qwen_3"],
        }
        results = {k: [] for k in cmds}
        for _ in range(a.runs):  # interleaved
            for k, cmd in cmds.items():
                results[k].append(timed(cmd))
        lines = subprocess.run(base + ["bench/history_load.lua"], capture_output=True,
                               text=True, check=True, cwd=ROOT).stdout.split("\n")
        revs = int(lines[0].split()[0])
        # The loop a history replaces, on a sample of the same revisions.
        order = [x for x in lines[1:] if x]
        step = max(1, len(order) // a.sample)
        sample = order[::step][:a.sample]
        loop = []
        for c in sample:
            d = os.path.join(work, "rev")
            shutil.rmtree(d, ignore_errors=True)
            os.mkdir(d)
            script = (f"git -C '{repo}' archive {c} tests/runner/test_config | tar -x -C '{d}' "
                      f"&& '{exe}' -q --tt-xla '{d}' --easydel '{EASYDEL}' --format trend-json")
            loop.append(timed(["sh", "-c", script]))
        lw, lc = sum(r[0] for r in loop), sum(r[1] for r in loop)
        lrss = max(r[2] for r in loop)
        print(f"\n{revs} revisions in the history; the loop timed on {len(sample)} of them "
              f"and extrapolated x{revs / len(sample):.1f}\n")
        print("| | wall s | CPU s | peak RSS MB |")
        print("|---|---:|---:|---:|")
        fl = median(results[next(iter(cmds))])
        for k in cmds:
            w, c, r = median(results[k])
            print(f"| {k} | {w:.2f} | {c:.2f} | {r / 1024:.1f} |")
        ew, ec = lw * revs / len(sample), lc * revs / len(sample)
        print(f"| loop: git archive + covengine per revision (extrapolated) | {ew:.1f} | "
              f"{ec:.1f} | {lrss / 1024:.1f} |")
        tw, tc, _ = median(results["history + default rules, --format trend-json"])
        hw, hc, _ = median(results["history, load only (bench/history_load.lua)"])
        print(f"\nload only / floor: {hw / fl[0]:.1f}x wall, {hc / fl[1]:.1f}x CPU; "
              f"trend / floor: {tw / fl[0]:.1f}x wall, {tc / fl[1]:.1f}x CPU; "
              f"loop / trend: {ew / tw:.1f}x wall, {ec / tc:.1f}x CPU")


if __name__ == "__main__":
    main()
