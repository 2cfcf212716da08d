#!/usr/bin/env python3
"""Progress and colour on a terminal (issue 13, item 14), with stderr on a
pseudo-terminal.

Progress: a config fed through a FIFO in two halves with a pause between
them, so the load surely lasts longer than the progress delay; on a
terminal stderr shows "covengine: loading ..." lines, rewritten with \\r,
erased before a warning is printed and at the end; with -q, or when stderr
is not a terminal, nothing. Colour: error:/warning: labels in colour on a
terminal, not with NO_COLOR, --color=never or off a terminal unless
--color=always; -q hides warnings, never --strict's errors.

usage: tty_check.py COVENGINE
"""
import os
import pty
import shlex
import subprocess
import sys
import threading
import time

COVENGINE = sys.argv[1]
WRAPPER = shlex.split(os.environ.get("COVENGINE_WRAPPER", ""))
ERASE = "\r\x1b[K"
WARN = "\x1b[1;35mwarning:\x1b[0m"
ERROR = "\x1b[1;31merror:\x1b[0m"
FINDINGS = ["--tt-xla", "tests/fixtures/findings", "tests/fixtures/lints/rules/phases.lua"]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(args, tty, env=None, feed=None):
    """Runs covengine with stderr on a pty (tty) or a pipe; feed(), if
    given, runs meanwhile (it writes the FIFO). Returns (status, stderr)."""
    environ = dict(os.environ, TERM="xterm")
    environ.pop("NO_COLOR", None)
    environ.update(env or {})
    if tty:
        master, slave = pty.openpty()
        p = subprocess.Popen(WRAPPER + [COVENGINE] + args, stdout=subprocess.DEVNULL,
                             stderr=slave, env=environ)
        os.close(slave)
        chunks = []

        def reader():
            while True:
                try:
                    data = os.read(master, 4096)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)

        t = threading.Thread(target=reader)
        t.start()
        if feed:
            feed()
        code = p.wait()
        t.join()
        os.close(master)
        # The terminal turns \n into \r\n.
        return code, b"".join(chunks).decode().replace("\r\n", "\n")
    p = subprocess.Popen(WRAPPER + [COVENGINE] + args, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, env=environ)
    if feed:
        feed()
    _, err = p.communicate()
    return p.returncode, err.decode()


def entries(start, n, bad=None):
    out = []
    for i in range(start, start + n):
        out.append("  fam%d/jax-v%d-single_device-inference:\n    status: EXPECTED_PASSING\n"
                   % (i, i))
        if i == bad:
            out.append("    statsu: oops\n")
    return "".join(out)


def progress_run(extra, tty, workdir):
    fifo = os.path.join(workdir, "test_config_inference_single_device.yaml")
    if os.path.exists(fifo):
        os.remove(fifo)
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "w") as f:
            f.write("test_config:\n" + entries(0, 30000))
            f.flush()
            time.sleep(1.0)
            # a warning in the second half: the progress line is erased first
            f.write(entries(30000, 30000, bad=30010))
    return run(extra + ["--framework", "jax", "--config", fifo, "--dump"], tty, feed=feed)


def check_progress(workdir):
    code, err = progress_run([], True, workdir)
    if code != 0:
        fail("progress run exited %d: %r" % (code, err[-500:]))
    if "covengine: loading " not in err:
        fail("no progress on a terminal: %r" % err[-500:])
    if not err.endswith(ERASE):
        fail("the progress line is not erased at the end: %r" % err[-200:])
    w = err.find("warning:")
    if w < 0:
        fail("the warning is missing: %r" % err[-500:])
    line_start = err.rfind("covengine: ", 0, w)
    if not err[:line_start].endswith(ERASE) and "loading" in err[:line_start]:
        fail("the warning is printed over the progress line: %r" % err[:line_start + 80])
    if err.count("\n") != 1:
        fail("progress must not add lines: %r" % err)
    for extra, tty, what in (([], False, "off a terminal"), (["-q"], True, "with -q")):
        code, err = progress_run(extra, tty, workdir)
        if code != 0 or "loading" in err:
            fail("progress %s: status %d, %r" % (what, code, err[-300:]))


def check_colour():
    code, err = run(FINDINGS, True)
    if code != 0 or WARN not in err:
        fail("no coloured warning: label on a terminal: %r" % err[:300])
    for env, args, what in (({"NO_COLOR": "1"}, [], "NO_COLOR"),
                            ({}, ["--color=never"], "--color=never")):
        code, err = run(args + FINDINGS, True, env=env)
        if code != 0 or "\x1b[" in err or "warning:" not in err:
            fail("colour with %s: %r" % (what, err[:300]))
    code, err = run(FINDINGS, False)
    if "\x1b[" in err or "warning:" not in err:
        fail("colour off a terminal: %r" % err[:300])
    code, err = run(["--color=always"] + FINDINGS, False)
    if WARN not in err:
        fail("--color=always off a terminal: %r" % err[:300])
    code, err = run(["--color=always"] + FINDINGS, True, env={"NO_COLOR": "1"})
    if WARN not in err:
        fail("--color=always with NO_COLOR: %r" % err[:300])
    code, err = run(["-q", "--strict"] + FINDINGS, True)
    if code != 2 or ERROR not in err or "warning:" in err:
        fail("-q --strict on a terminal: status %d, %r" % (code, err[:400]))
    code, err = run(["--color=sometimes"] + FINDINGS, False)
    if code != 2 or "--color needs auto, always or never" not in err:
        fail("a bad --color: %d %r" % (code, err))


def main():
    workdir = os.path.join(os.environ.get("TMPDIR", "/tmp"), "covengine-tty-%d" % os.getpid())
    os.makedirs(workdir)
    try:
        check_colour()
        check_progress(workdir)
    finally:
        for name in os.listdir(workdir):
            os.remove(os.path.join(workdir, name))
        os.rmdir(workdir)
    print("ok")


main()
