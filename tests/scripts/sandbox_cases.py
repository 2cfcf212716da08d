#!/usr/bin/env python3
"""The sandbox suite (tests/sandbox/cases.tsv): hostile rule scripts run with
--sandbox and default limits. Each must exit with the status given, print a
first stderr line starting with the expected message, end within the wall
bound (5 s), and never print the contents of tests/sandbox/secret.yaml.
Every run is killed after twice the bound so that CI cannot hang. A case
with a fifth column F must also peak below F times its memory cap
(--max-memory, else the sandbox's 1024 MiB) plus the peak of an empty run:
the cap holds for what the engine allocates, not only for Lua's heap. A
sanitizer build skips that check (--no-rss): its allocator keeps redzones
and a quarantine the cap does not see.

usage: sandbox_cases.py COVENGINE [BOUND_SECONDS] [--no-rss]   (from the source root)
"""
import os
import subprocess
import sys
import tempfile
import time

WALL_BOUND = 5.0  # seconds a case may take under default limits
# A case is killed, and fails, after twice the bound.
SECRET = b"TOPSECRET"
SANDBOX_MEMORY_MB = 1024  # COV_SANDBOX_MEMORY


def load_cases(path):
    cases = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) not in (4, 5):
                sys.exit(f"{path}:{n}:1: want NAME<TAB>ARGS<TAB>STATUS<TAB>MESSAGE"
                         "[<TAB>RSS_FACTOR]")
            factor = float(parts[4]) if len(parts) == 5 else None
            cases.append((parts[0], parts[1].split(), int(parts[2]), parts[3], factor))
    return cases


def run(argv, timeout):
    """Runs argv; returns (status, stdout, stderr, wall seconds, peak RSS in
    KiB), or None when it was killed after timeout seconds. wait4 gives the
    peak of this child alone (RUSAGE_CHILDREN keeps the maximum of all)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        while True:
            pid, wstatus, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > timeout:
                p.kill()
                os.wait4(p.pid, 0)
                p.returncode = -9
                return None
            time.sleep(0.01)
        wall = time.monotonic() - start
        p.returncode = os.waitstatus_to_exitcode(wstatus)
        out.seek(0)
        err.seek(0)
        return p.returncode, out.read(), err.read(), wall, usage.ru_maxrss


def memory_cap_mb(args):
    if "--max-memory" in args:
        return int(args[args.index("--max-memory") + 1])
    return SANDBOX_MEMORY_MB


def run_case(binary, name, args, status, expected, factor, bound, baseline_kb):
    argv = [binary, "-q", "--sandbox"] + args + [f"tests/sandbox/{name}.lua"]
    r = run(argv, 2 * bound)
    if r is None:
        return f"killed after {2 * bound:.0f} s"
    returncode, stdout, stderr, wall, peak_kb = r
    first = stderr.decode("utf-8", "replace").split("\n", 1)[0]
    problems = []
    if returncode != status:
        problems.append(f"exit {returncode}, want {status}")
    if not first.startswith(expected):
        problems.append(f"stderr {first!r}, want a line starting {expected!r}")
    if wall > bound:
        problems.append(f"took {wall:.1f} s, over {bound:.0f} s")
    if SECRET in stdout or SECRET in stderr:
        problems.append("printed the secret file's contents")
    if factor is not None and baseline_kb is not None:
        limit_kb = factor * memory_cap_mb(args) * 1024 + baseline_kb
        if peak_kb > limit_kb:
            problems.append(f"peak RSS {peak_kb // 1024} MiB, over {limit_kb / 1024:.0f} MiB "
                            f"({factor:g} x the cap + {baseline_kb // 1024} MiB of an "
                            "empty run)")
    return "; ".join(problems)


def empty_run_peak(binary):
    """The peak RSS (KiB) of a run of an empty rule file."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as f:
        f.write("return nil\n")
        f.flush()
        r = run([binary, "-q", "--sandbox", f.name], 30)
    if r is None or r[0] != 0:
        sys.exit(f"an empty rule file does not run: {r}")
    return r[4]


def main():
    args = sys.argv[1:]
    check_rss = "--no-rss" not in args
    args = [a for a in args if a != "--no-rss"]
    if len(args) not in (1, 2):
        sys.exit(__doc__)
    binary = os.path.abspath(args[0])
    # A sanitizer build runs the same budgets several times slower outside
    # them (startup, teardown, C copies): it passes a looser bound.
    bound = float(args[1]) if len(args) == 2 else WALL_BOUND
    baseline_kb = empty_run_peak(binary) if check_rss else None
    cases = load_cases("tests/sandbox/cases.tsv")
    scripts = {f[:-4] for f in os.listdir("tests/sandbox") if f.endswith(".lua")}
    names = {c[0] for c in cases}
    failed = 0
    for missing in sorted(scripts - names):
        print(f"FAIL {missing}: script has no line in cases.tsv")
        failed += 1
    if len(cases) < 30:
        print(f"FAIL: {len(cases)} cases, want at least 30")
        failed += 1
    for name, args, status, expected, factor in cases:
        problem = run_case(binary, name, args, status, expected, factor, bound, baseline_kb)
        print(f"{'FAIL' if problem else 'ok  '} {name}{': ' + problem if problem else ''}")
        failed += bool(problem)
    print(f"{len(cases) - failed} of {len(cases)} sandbox cases hold")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
