#!/usr/bin/env python3
"""A Markdown report as GitHub would show it: rendered by cmark-gfm.

Runs covengine with the given arguments, checks the Markdown's length
(--max-chars: a PR comment holds 65,536; the issue asks the shared diff to
fit in 60,000), renders it with cmark-gfm (GitHub's own renderer, tables
extension, raw HTML kept as GitHub keeps <details>) and checks the result:
- every <details> is closed and opens with a <summary>, and the Markdown in
  it was rendered (GitHub needs the blank line after </summary>);
- every table is well-formed: a header row, and each body row with as many
  cells as the header; no cell holds more than --max-cell characters;
- no table line was left as text (a broken table renders as a paragraph
  starting with "|"), and every "## " heading became an <h2>.

usage: markdown_render.py [--max-chars N] [--max-cell N] COVENGINE [covengine args...]
Exit 0 when it renders as intended, 1 naming what does not, 77 (skip) when
cmark-gfm is not installed.
"""
import argparse
import html.parser
import os
import shlex
import shutil
import subprocess
import sys


class Structure(html.parser.HTMLParser):
    """Tables (rows of cell texts) and <details> blocks of rendered HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self.errors = [], []
        self.details = []  # stack of [saw summary, children tags]
        self.opened = self.closed = 0
        self.h2 = 0
        self.cell = None
        self.row = None
        self.section = None
        self.stray_pipes = 0
        self.in_p = False
        self.p_text = ""

    def handle_starttag(self, tag, attrs):
        if tag == "details":
            self.opened += 1
            self.details.append({"summary": False, "first": None, "blocks": 0})
        elif self.details and self.details[-1]["first"] is None:
            self.details[-1]["first"] = tag
        if tag == "summary" and self.details:
            self.details[-1]["summary"] = True
        if tag in ("ul", "ol", "table", "p") and self.details:
            self.details[-1]["blocks"] += 1
        if tag == "table":
            self.tables.append({"head": [], "body": []})
        elif tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = ""
        elif tag == "h2":
            self.h2 += 1
        elif tag == "p":
            self.in_p, self.p_text = True, ""

    def handle_endtag(self, tag):
        if tag == "details":
            self.closed += 1
            if not self.details:
                self.errors.append("</details> without <details>")
                return
            d = self.details.pop()
            if not d["summary"] or d["first"] != "summary":
                self.errors.append("a <details> does not start with <summary>")
            if d["blocks"] == 0:
                self.errors.append("a <details> holds no rendered list, table or paragraph")
        elif tag in ("td", "th") and self.row is not None:
            self.row.append(self.cell or "")
            self.cell = None
        elif tag == "tr" and self.tables:
            key = "head" if self.section == "thead" else "body"
            self.tables[-1][key].append(self.row)
            self.row = None
        elif tag == "p":
            if self.p_text.lstrip().startswith("|"):
                self.stray_pipes += 1
            self.in_p = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data
        if self.in_p:
            self.p_text += data


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-chars", type=int)
    ap.add_argument("--max-cell", type=int, default=300)
    ap.add_argument("covengine")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmark = shutil.which("cmark-gfm")
    if not cmark:
        print("skip: cmark-gfm is not installed (apt-get install -y cmark-gfm)")
        return 77
    wrapper = shlex.split(os.environ.get("COVENGINE_WRAPPER", ""))
    p = subprocess.run(wrapper + [a.covengine, "-q"] + a.args, capture_output=True)
    if p.returncode != 0:
        print(f"FAIL: covengine exited {p.returncode}: {p.stderr.decode().strip()}")
        return 1
    text = p.stdout.decode("utf-8")
    problems = []
    if a.max_chars is not None and len(text) >= a.max_chars:
        problems.append(f"{len(text)} characters, not under {a.max_chars}")
    r = subprocess.run([cmark, "--unsafe", "-e", "table", "-e", "strikethrough",
                        "-e", "autolink", "--to", "html"], input=p.stdout, capture_output=True)
    if r.returncode != 0:
        print(f"FAIL: cmark-gfm exited {r.returncode}: {r.stderr.decode().strip()}")
        return 1
    s = Structure()
    s.feed(r.stdout.decode("utf-8"))
    s.close()
    problems += s.errors
    md_open, md_close = text.count("<details>"), text.count("</details>")
    if md_open != md_close or s.opened != md_open or s.closed != md_close:
        problems.append(f"<details>: {md_open} opened and {md_close} closed in the Markdown, "
                        f"{s.opened}/{s.closed} rendered")
    for i, t in enumerate(s.tables, 1):
        if len(t["head"]) != 1 or not t["head"][0]:
            problems.append(f"table {i} has no header row")
            continue
        width = len(t["head"][0])
        for row in t["body"]:
            if len(row) != width:
                problems.append(f"table {i}: a row of {len(row)} cells under {width} headers")
                break
        for row in t["head"] + t["body"]:
            for c in row:
                if len(c) > a.max_cell:
                    problems.append(f"table {i}: a cell of {len(c)} characters: {c[:60]}...")
    if s.stray_pipes:
        problems.append(f"{s.stray_pipes} table lines rendered as text")
    headings = sum(1 for line in text.splitlines() if line.startswith("## "))
    if headings != s.h2:
        problems.append(f"{headings} '## ' headings, {s.h2} rendered as <h2>")
    if problems:
        for m in problems:
            print("FAIL: " + m)
        return 1
    print(f"ok: {len(text)} characters; {len(s.tables)} tables, {s.opened} <details> and "
          f"{s.h2} sections render as intended in cmark-gfm")
    return 0


if __name__ == "__main__":
    sys.exit(main())
