#!/usr/bin/env python3
"""The house style, checked: .editorconfig's rules on every tracked text file
and clang-format (.clang-format) on every C file.

usage: style_check.py [--clang-format PATH] REPO_ROOT
       style_check.py --self-test [--clang-format PATH]

Prints one line per problem (file:line: what) and exits 1 when there is any.
Inputs kept byte-exact on purpose (bad-input cases, fuzz corpora, fixtures,
goldens) are not checked: their bytes are the test.
"""
import argparse
import fnmatch
import os
import shutil
import subprocess
import sys
import tempfile

# Byte-exact data, not source.
EXEMPT = ["tests/bad/*", "fuzz/corpus/*", "tests/fixtures/*", "spec/golden/*",
          "*.png", "*.bundle"]
C_FILES = ["*.c", "*.h", "*.h.in"]
# Files whose format needs tabs.
TABS_ALLOWED = ["Makefile", "*.mk", "*.tsv"]
# A `clang-format off` block lifts clang-format's rules, not the column limit
# (.clang-format's ColumnLimit): its lines are checked here. The tables below
# keep one entry a row, which is how they are read (down the columns), and
# their rows cannot fit the limit without splitting each entry over lines:
WIDE_ROWS = {
    # the option table: one option a row, whose help text alone is up to 100
    # columns and is printed as it stands by --help
    "src/cli/cli.c",
    # the property table: ten columns a row; name, kind and dump name alone
    # take 50 columns in the longest rows
    "src/model/test_props.h",
}


def matches(path, patterns):
    name = os.path.basename(path)
    return any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(name, p) for p in patterns)


def tracked_files(root):
    out = subprocess.run(["git", "-C", root, "ls-files", "-z"], check=True,
                         capture_output=True).stdout
    return sorted(p for p in out.decode().split("\0") if p)


def editorconfig_problems(path, data):
    """The .editorconfig rules for one file's bytes: utf-8, lf, final newline,
    no trailing whitespace (Markdown may end a line with two spaces), spaces
    for indentation."""
    problems = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        return [f"{path}:1: not UTF-8 (byte {err.start})"]
    if not text:
        return problems
    if not text.endswith("\n"):
        problems.append(f"{path}:{text.count(chr(10)) + 1}: no newline at end of file")
    markdown = path.endswith(".md")
    tabs_ok = matches(path, TABS_ALLOWED)
    for n, line in enumerate(text.split("\n"), 1):
        if line.endswith("\r"):
            problems.append(f"{path}:{n}: CRLF line ending")
            line = line[:-1]
        if not markdown and line != line.rstrip(" \t"):
            problems.append(f"{path}:{n}: trailing whitespace")
        if not tabs_ok and line[:len(line) - len(line.lstrip(" \t"))].find("\t") >= 0:
            problems.append(f"{path}:{n}: tab in indentation")
    return problems


def clang_format_problems(clang_format, root, paths):
    """clang-format's own verdict, one line per file it would change."""
    problems = []
    for i in range(0, len(paths), 50):
        chunk = paths[i:i + 50]
        res = subprocess.run([clang_format, "--dry-run", "--Werror", "--style=file"] + chunk,
                             cwd=root, capture_output=True, text=True)
        if res.returncode == 0:
            continue
        seen = set()
        for line in res.stderr.splitlines():
            # "src/x.c:12:5: error: code should be clang-formatted [-Wclang-format-violations]"
            if "clang-format-violations" in line:
                where = ":".join(line.split(":")[:2])
                if where not in seen:
                    seen.add(where)
                    problems.append(f"{where}: not clang-formatted")
        if not seen:
            problems.append(f"clang-format failed: {res.stderr.strip()[:300]}")
    return problems


def column_limit(root):
    """.clang-format's ColumnLimit (92 when it does not say)."""
    try:
        with open(os.path.join(root, ".clang-format")) as f:
            for line in f:
                if line.startswith("ColumnLimit:"):
                    return int(line.split(":")[1])
    except OSError:
        pass
    return 92


def off_block_problems(path, data, limit):
    """The lines of a C file's `clang-format off` blocks over the column
    limit (clang-format checks the rest)."""
    problems = []
    off = False
    for n, line in enumerate(data.decode("utf-8", "replace").split("\n"), 1):
        mark = line.strip()
        if mark in ("// clang-format off", "/* clang-format off */"):
            off = True
        elif mark in ("// clang-format on", "/* clang-format on */"):
            off = False
        elif off and len(line) > limit and path not in WIDE_ROWS:
            problems.append(f"{path}:{n}: {len(line)} columns in a clang-format off block, "
                            f"over the limit of {limit} (see WIDE_ROWS in style_check.py)")
    return problems


def check(root, clang_format):
    problems = []
    c_paths = []
    limit = column_limit(root)
    for path in tracked_files(root):
        if matches(path, EXEMPT):
            continue
        full = os.path.join(root, path)
        if not os.path.isfile(full) or os.path.islink(full):
            continue
        with open(full, "rb") as f:
            data = f.read()
        if b"\0" in data:
            continue  # binary
        problems += editorconfig_problems(path, data)
        if matches(path, C_FILES):
            c_paths.append(path)
            problems += off_block_problems(path, data, limit)
    problems += clang_format_problems(clang_format, root, c_paths)
    return problems


def self_test(clang_format):
    """The checker must catch each kind of problem, and pass clean files."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["git", "init", "-q", tmp], check=True)
        here = os.path.dirname(os.path.abspath(__file__))
        shutil.copy(os.path.join(here, "..", "..", ".clang-format"), tmp)
        files = {
            "good.c": b"int f(void)\n{\n    return 0;\n}\n",
            "good.md": b"a line ending in two spaces  \n",
            "bad_format.c": b"int  f(void){return 0;}\n",
            "bad_trailing.lua": b"local x = 1 \n",
            "bad_final.lua": b"local x = 1",
            "bad_crlf.txt": b"a\r\n",
            "bad_tab.lua": b"\tlocal x = 1\n",
            "bad_utf8.txt": b"\xff\n",
            "tests/bad/exempt.lua": b"\tx \r\n",
            "bad_wide.c": b"/* clang-format off */\nint v[] = {" + b"1, " * 30 + b"};\n"
                          b"/* clang-format on */\n",
            "src/cli/cli.c": b"// clang-format off\nint v[] = {" + b"1, " * 30 + b"};\n"
                             b"// clang-format on\n",
        }
        for name, data in files.items():
            os.makedirs(os.path.dirname(os.path.join(tmp, name)), exist_ok=True)
            with open(os.path.join(tmp, name), "wb") as f:
                f.write(data)
        subprocess.run(["git", "-C", tmp, "add", "-A"], check=True)
        found = check(tmp, clang_format)
        failed = False
        for name in files:
            hit = any(p.startswith(name + ":") for p in found)
            want = name.startswith("bad_")
            if hit != want:
                print(f"self-test: {name}: {'missed' if want else 'flagged wrongly'}: {found}")
                failed = True
        return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clang-format", default="clang-format")
    ap.add_argument("--self-test", action="store_true")
    ap.add_argument("root", nargs="?")
    args = ap.parse_args()
    if shutil.which(args.clang_format) is None:
        print(f"style_check: {args.clang_format} not found", file=sys.stderr)
        return 2
    if args.self_test:
        return self_test(args.clang_format)
    if not args.root:
        ap.error("REPO_ROOT is required")
    problems = check(args.root, args.clang_format)
    for p in problems:
        print(p)
    if problems:
        print(f"style_check: {len(problems)} problems (fix: clang-format -i FILE; "
              "see .editorconfig)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
