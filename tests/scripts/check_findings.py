#!/usr/bin/env python3
"""--format sarif and --format github against what covengine prints.

Runs covengine (with -v, so every warning is printed) on the given inputs
three ways: the Markdown report (its stderr lists every finding), --format
sarif (validated against tests/schemas/sarif-2.1.0-subset.schema.json, our
own subset of SARIF 2.1.0) and --format github; checks one result and one
annotation per warning printed, each with the warning's rule id, message,
file and line, and a rule with help text for every rule id. With --strict
the lints are errors: levels say so, the log is still written, exit 1.

usage: check_findings.py COVENGINE SCHEMA [--min N] [--strict] -- ARGS...
Exit 77 (skipped) when an input named in ARGS is absent.
"""
import json
import os
import re
import shlex
import subprocess
import sys
import urllib.parse

import jsonschema

WARNING = re.compile(r"^covengine: (?:(.+?):(\d+)(?::(\d+))?: )?(warning|error): (.*)$")
ANNOTATION = re.compile(
    r"^::(warning|error) (?:file=([^,:]+)(?:,line=(\d+))?(?:,col=(\d+))?,)?"
    r"title=covengine ([\w]+)::(.+)$")


def run(covengine, args):
    wrapper = shlex.split(os.environ.get("COVENGINE_WRAPPER", ""))
    p = subprocess.run(wrapper + [covengine] + args, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def unescape(s):
    return s.replace("%0A", "\n").replace("%0D", "\r").replace("%3A", ":") \
        .replace("%2C", ",").replace("%25", "%")


def plain(path):
    """A path as the SARIF URI or annotation names it: no leading ./"""
    return path[2:] if path.startswith("./") else path


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def main():
    argv = sys.argv[1:]
    sep = argv.index("--")
    opts, args = argv[:sep], argv[sep + 1:]
    covengine, schema_path = opts[0], opts[1]
    minimum = int(opts[opts.index("--min") + 1]) if "--min" in opts else 1
    strict = "--strict" in opts
    for i, a in enumerate(args):
        if i > 0 and args[i - 1] in ("--tt-xla", "--easydel", "--config") \
                and not os.path.exists(a):
            print("skip: %s is absent" % a)
            sys.exit(77)
    with open(schema_path) as f:
        schema = json.load(f)

    base = ["-v"] + (["--strict"] if strict else [])
    # The findings as printed on stderr (without --strict: with it the
    # loader's own warning about a duplicate is printed besides the lint's
    # error, and the run stops before any report).
    code, _, err = run(covengine, ["-v"] + args)
    if code != 0:
        fail("markdown run exited %d: %s" % (code, err))
    printed = []
    for line in err.splitlines():
        m = WARNING.match(line)
        if not m:
            fail("unexpected stderr line: " + line)
        printed.append((m.group(1), int(m.group(2) or 0), m.group(5)))
    if len(printed) < minimum:
        fail("only %d findings, expected at least %d" % (len(printed), minimum))

    want_code = 1 if strict else 0
    code, out, err = run(covengine, base + ["--format", "sarif"] + args)
    if code != want_code:
        fail("sarif run exited %d, not %d: %s" % (code, want_code, err))
    log = json.loads(out)
    jsonschema.validate(log, schema)
    run0 = log["runs"][0]
    rules = run0["tool"]["driver"]["rules"]
    results = run0["results"]
    if len(results) != len(printed):
        fail("%d results for %d printed findings" % (len(results), len(printed)))
    for i, r in enumerate(rules):
        if not r["help"]["text"] or not r["shortDescription"]["text"]:
            fail("rule %s has no help text" % r["id"])
    for (file, line, message), r in zip(printed, results):
        rule = rules[r["ruleIndex"]]["id"]
        if rule != r["ruleId"]:
            fail("ruleIndex %d is %s, not %s" % (r["ruleIndex"], rule, r["ruleId"]))
        text = r["message"]["text"]
        if not message.startswith(text) or not (message == text or
                                                 message == "%s [%s]" % (text, rule)):
            fail("result %r is not the printed %r" % (text, message))
        loc = r["locations"][0]["physicalLocation"]
        uri = loc["artifactLocation"]["uri"]
        path = urllib.parse.unquote(uri[len("file://"):] if uri.startswith("file://") else uri)
        if " " in uri or path != plain(file):
            fail("uri %r is not file %r" % (uri, file))
        if line and loc["region"]["startLine"] != line:
            fail("line %d is not %d" % (loc["region"]["startLine"], line))
        lint = r["ruleId"] in ("duplicate_id", "file_mismatch", "stale_placeholder",
                               "unknown_arch", "missing_reason", "unused_alias")
        want = "error" if strict and lint else "warning"
        if r["level"] != want:
            fail("%s is %s, not %s" % (r["ruleId"], r["level"], want))

    code, out, err = run(covengine, base + ["--format", "github"] + args)
    if code != want_code:
        fail("github run exited %d, not %d: %s" % (code, want_code, err))
    lines = out.splitlines()
    if len(lines) != len(printed):
        fail("%d annotations for %d printed findings" % (len(lines), len(printed)))
    for (file, line, message), a, r in zip(printed, lines, results):
        m = ANNOTATION.match(a)
        if not m:
            fail("not an annotation: " + a)
        if m.group(1) != r["level"] or m.group(5) != r["ruleId"]:
            fail("annotation %r disagrees with the SARIF result" % a)
        if unescape(m.group(2) or "") != plain(file) or int(m.group(3) or 0) != line:
            fail("annotation %r is not at %s:%d" % (a, file, line))
        if unescape(m.group(6)) != r["message"]["text"]:
            fail("annotation message %r" % m.group(6))
    print("ok: %d findings, %d rules" % (len(results), len(rules)))


main()
