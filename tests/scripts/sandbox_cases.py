#!/usr/bin/env python3
"""The sandbox suite (tests/sandbox/cases.tsv): hostile rule scripts run with
--sandbox and default limits. Each must exit with the status given, print a
first stderr line starting with the expected message, end within the wall
bound (5 s), and never print the contents of tests/sandbox/secret.yaml.
Every run is killed after twice the bound so that CI cannot hang.

usage: sandbox_cases.py COVENGINE [BOUND_SECONDS]   (run from the source root)
"""
import os
import subprocess
import sys
import time

WALL_BOUND = 5.0  # seconds a case may take under default limits
# A case is killed, and fails, after twice the bound.
SECRET = b"TOPSECRET"


def load_cases(path):
    cases = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 4:
                sys.exit(f"{path}:{n}:1: want NAME<TAB>ARGS<TAB>STATUS<TAB>MESSAGE")
            cases.append((parts[0], parts[1].split(), int(parts[2]), parts[3]))
    return cases


def run_case(binary, name, args, status, expected, bound):
    argv = [binary, "-q", "--sandbox"] + args + [f"tests/sandbox/{name}.lua"]
    start = time.monotonic()
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=2 * bound)
    except subprocess.TimeoutExpired:
        return f"killed after {2 * bound:.0f} s"
    wall = time.monotonic() - start
    first = p.stderr.decode("utf-8", "replace").split("\n", 1)[0]
    problems = []
    if p.returncode != status:
        problems.append(f"exit {p.returncode}, want {status}")
    if not first.startswith(expected):
        problems.append(f"stderr {first!r}, want a line starting {expected!r}")
    if wall > bound:
        problems.append(f"took {wall:.1f} s, over {bound:.0f} s")
    if SECRET in p.stdout or SECRET in p.stderr:
        problems.append("printed the secret file's contents")
    return "; ".join(problems)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    # A sanitizer build runs the same budgets several times slower outside
    # them (startup, teardown, C copies): it passes a looser bound.
    bound = float(sys.argv[2]) if len(sys.argv) == 3 else WALL_BOUND
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
    for name, args, status, expected in cases:
        problem = run_case(binary, name, args, status, expected, bound)
        print(f"{'FAIL' if problem else 'ok  '} {name}{': ' + problem if problem else ''}")
        failed += bool(problem)
    print(f"{len(cases) - failed} of {len(cases)} sandbox cases hold")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
