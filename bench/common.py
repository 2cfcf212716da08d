"""What the history benchmarks share (bench/git_walk.py, bench/history.py):
the paths, the command line, the check that the programs are built, and a
bare clone of the shared tt-xla history bundle in a temporary directory."""
import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")
BUNDLE = os.path.join(SHARED, "history", "tt-xla-test-config-history.bundle")


def arguments(runs, extra=()):
    """The command line: --build DIR, --runs N (default runs), and the
    integer options extra names as (flag, default)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--runs", type=int, default=runs)
    for flag, default in extra:
        ap.add_argument(flag, type=int, default=default)
    return ap.parse_args()


def programs(build, *names):
    """The paths of the built programs names (relative to build); exits
    naming the first one missing."""
    paths = [os.path.join(build, n) for n in names]
    for p in paths:
        if not os.access(p, os.X_OK):
            sys.exit(f"bench: {p} is missing; build first (cmake --build {build})")
    return paths


@contextlib.contextmanager
def history_clone():
    """(work, repo): a temporary directory holding repo, a bare clone of the
    history bundle, removed afterwards; (None, None) after saying the bench
    is skipped when the bundle is absent."""
    if not os.path.exists(BUNDLE):
        print(f"bench: skipped, {BUNDLE} is absent")
        yield None, None
        return
    work = tempfile.mkdtemp(prefix="covengine-bench-")
    try:
        repo = os.path.join(work, "history.git")
        subprocess.run(["git", "clone", "-q", "--bare", BUNDLE, repo], check=True)
        yield work, repo
    finally:
        shutil.rmtree(work, ignore_errors=True)
