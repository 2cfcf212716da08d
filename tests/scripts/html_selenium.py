#!/usr/bin/env python3
"""The HTML report in a real browser: Selenium drives headless Chromium.

Renders `covengine --format html` for the given inputs, opens it from a
file:// URL and checks what a user does with it: the headline figure and
the table of contents are there; sorting the family table by a number and
by a text column orders the visible rows; filtering by a word, a
framework, a phase and by EasyDeL or not leaves exactly the families that
match; expanding a family (a <details>) shows one row per test. At
1400 px and at 390 px (a phone) the page never scrolls sideways
(document.scrollingElement.scrollWidth <= innerWidth), expanded or not.
With JavaScript disabled every family row is still shown and a family
still expands. The browser logs no error. Screenshots at both widths go
to OUTDIR (the build directory) for a person to look at.

usage: html_selenium.py COVENGINE OUTDIR NAME [covengine args...]
Exit 0 on success, 1 naming the failed check, 77 (skip, with a message)
where Chromium cannot be started.
"""
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def skip(why):
    print(f"skip: {why}")
    sys.exit(SKIP)


class Failed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failed(what)


def render(binary, args, work):
    wrapper = shlex.split(os.environ.get("COVENGINE_WRAPPER", ""))
    out = {}
    for fmt in ("html", "json"):
        path = os.path.join(work, "report." + fmt)
        cmd = wrapper + [binary, "-q", "--format", fmt, "-o", path] + args + ["rules/phases.lua"]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            raise Failed(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
        out[fmt] = path
    with open(out["json"], encoding="utf-8") as f:
        return out["html"], json.load(f)


def start(work):
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
    except ImportError as e:
        skip(f"python3-selenium is not installed ({e}); apt-get install -y python3-selenium")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_bin = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not browser or not os.path.exists(driver_bin):
        skip("chromium or chromedriver is not installed (apt-get install -y chromium "
             "chromium-driver)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--no-first-run", "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--hide-scrollbars", f"--user-data-dir={work}/profile",
              "--window-size=1400,1000"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    log = os.path.join(work, "driver.log")
    try:  # Selenium 4.8 (Debian 12) says log_path; later ones log_output
        service = Service(driver_bin, log_output=log)
    except TypeError:
        service = Service(driver_bin, log_path=log)
    try:
        return webdriver.Chrome(service=service, options=opts)
    except WebDriverException as e:
        skip(f"Chromium cannot start: {str(e).strip().splitlines()[0]}")


def viewport(d, width, height):
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1,
                       "mobile": width < 600})


def no_overflow(d, where):
    sw, iw = d.execute_script(
        "return [document.scrollingElement.scrollWidth, window.innerWidth]")
    check(sw <= iw, f"{where}: the page scrolls sideways: scrollWidth {sw} > innerWidth {iw}")


def console_errors(d):
    return [e for e in d.get_log("browser") if e.get("level") == "SEVERE"]


VISIBLE = """
return [].slice.call(document.querySelectorAll('#family-table tbody.fam'))
  .filter(function(b){return b.offsetParent !== null && !b.hidden;})
  .map(function(b){return b.dataset.name;});
"""


def rendered(d, el):
    """Whether the browser renders el (Selenium's is_displayed misjudges
    content nested deeper inside a closed <details>)."""
    return d.execute_script("return arguments[0].checkVisibility()", el)


def visible(d):
    return d.execute_script(VISIBLE)


def column_values(d, col):
    return d.execute_script(
        "var c=arguments[0];"
        "return [].slice.call(document.querySelectorAll('#family-table tbody.fam'))"
        ".filter(function(b){return !b.hidden;})"
        ".map(function(b){return b.rows[0].cells[c].dataset.v;});", col)


def screenshots(d, outdir, name, width, body):
    """The top of the page, the expanded family and the matrix, one viewport each."""
    d.execute_script("window.scrollTo(0, 0)")
    d.save_screenshot(os.path.join(outdir, f"html-{name}-{width}.png"))
    d.execute_script("arguments[0].scrollIntoView({block: 'start', inline: 'nearest'})", body)
    d.save_screenshot(os.path.join(outdir, f"html-{name}-{width}-family.png"))
    d.execute_script("document.getElementById('matrix').scrollIntoView()")
    d.save_screenshot(os.path.join(outdir, f"html-{name}-{width}-matrix.png"))


def run_checks(d, url, report, outdir, name):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    fams = report["families"]
    names = sorted(f["name"] for f in fams)
    viewport(d, 1400, 1000)
    d.get(url)
    check(d.find_element(By.ID, "headline").is_displayed(), "no headline figure shown")
    fig = report.get("figure")
    if fig:
        check(fig["display"] + "%" in d.find_element(By.ID, "headline").text,
              f"the headline does not show {fig['display']}%")
    toc = d.find_elements(By.CSS_SELECTOR, "#toc a")
    check(len(toc) >= 5, "no table of contents")
    for a in toc:
        target = a.get_attribute("href").split("#", 1)[1]
        check(d.find_elements(By.ID, target), f"the contents link #{target} leads nowhere")
    check(d.find_element(By.ID, "family-filters").is_displayed(), "the filters are not shown")
    check(sorted(visible(d)) == names, "not every family is listed before filtering")
    no_overflow(d, "1400 px")
    tw, cw = d.execute_script("var t = document.getElementById('family-table');"
                              "return [t.offsetWidth, t.parentNode.clientWidth]")
    check(tw <= cw, f"1400 px: the family table ({tw} px) is wider than its box ({cw} px)")

    # Sort by a number column (Tests), then a text column (Family).
    heads = d.find_elements(By.CSS_SELECTOR, "#family-table thead th")
    texts = [h.text.strip() for h in heads]
    tests_col, fam_col = texts.index("Tests"), texts.index("Family")
    heads[tests_col].find_element(By.TAG_NAME, "button").click()
    vals = [float(v) for v in column_values(d, tests_col)]
    check(vals == sorted(vals), "sorting by Tests did not order the rows ascending")
    heads[tests_col].find_element(By.TAG_NAME, "button").click()
    vals = [float(v) for v in column_values(d, tests_col)]
    check(vals == sorted(vals, reverse=True), "sorting by Tests again did not reverse the rows")
    most = max(fams, key=lambda f: (sum(e["count"] for e in f["frameworks"].values()), f["name"]))
    check(visible(d)[0] == most["name"] or vals[0] == vals[1],
          f"{most['name']} (most tests) is not first after sorting by Tests descending")
    heads[fam_col].find_element(By.TAG_NAME, "button").click()
    check(visible(d) == names, "sorting by Family did not list the families by name")

    # Filter by a word: the family with the most tests, by name.
    form = d.find_element(By.ID, "family-filters")
    q = form.find_element(By.NAME, "q")
    word = most["name"]
    q.send_keys(word)
    shown = visible(d)
    check(word in shown, f"filtering by '{word}' hides {word}")
    texts = d.execute_script(
        "return [].slice.call(document.querySelectorAll('#family-table tbody.fam'))"
        ".filter(function(b){return !b.hidden;}).map(function(b){return b.dataset.text;});")
    check(all(word.lower() in t for t in texts), f"filtering by '{word}' shows rows without it")
    check(len(shown) < len(names), f"filtering by '{word}' hides nothing")
    count = d.find_element(By.ID, "family-count").text
    check(count.startswith(f"{len(shown)} of {len(names)}"), f"the count says '{count}'")
    q.clear()
    d.execute_script("document.getElementById('family-filters').dispatchEvent(new Event('input'))")
    check(len(visible(d)) == len(names), "clearing the search does not show every family again")

    # Filter by framework, phase, implementation.
    fw = report["frameworks"][0]
    Select(form.find_element(By.NAME, "fw")).select_by_value(fw)
    want = sorted(f["name"] for f in fams if fw in f["frameworks"])
    check(sorted(visible(d)) == want, f"framework {fw}: {len(visible(d))} rows, want {len(want)}")
    Select(form.find_element(By.NAME, "fw")).select_by_value("")
    Select(form.find_element(By.NAME, "impl")).select_by_value("yes")
    want = sorted(f["name"] for f in fams if f["easydel"] is not None)
    check(sorted(visible(d)) == want, f"EasyDeL implements it: {len(visible(d))} rows, "
          f"want {len(want)}")
    Select(form.find_element(By.NAME, "impl")).select_by_value("no")
    want = sorted(f["name"] for f in fams if f["easydel"] is None)
    check(sorted(visible(d)) == want, "no EasyDeL implementation: wrong rows")
    if report.get("tt_forge_models"):
        # what the tests run, known from the loaders
        def runs(f):
            return any(e.get("sources", {}).get("EASYDEL", 0) > 0 for e in f["frameworks"].values())

        def known(f):
            return any(e.get("implementation") not in (None, "unknown")
                       for e in f["frameworks"].values())
        Select(form.find_element(By.NAME, "impl")).select_by_value("runs")
        want = sorted(f["name"] for f in fams if runs(f))
        check(want and sorted(visible(d)) == want, f"tests run EasyDeL: {len(visible(d))} rows, "
              f"want {len(want)}")
        Select(form.find_element(By.NAME, "impl")).select_by_value("other")
        want = sorted(f["name"] for f in fams if known(f) and not runs(f))
        check(sorted(visible(d)) == want, "tests run something else: wrong rows")
    Select(form.find_element(By.NAME, "impl")).select_by_value("")
    phased = [p for p in report["phases"] if p["families"]]
    if phased:
        p = phased[0]
        Select(form.find_element(By.NAME, "phase")).select_by_value(str(p["number"]))
        check(sorted(visible(d)) == sorted(p["families"]), f"phase {p['number']}: wrong rows")
        Select(form.find_element(By.NAME, "phase")).select_by_value("")

    # Expand the family with the most tests: one row per test.
    body = d.find_element(By.CSS_SELECTOR, f"#family-table tbody.fam[data-name='{word}']")
    det = body.find_element(By.TAG_NAME, "details")
    check(not rendered(d, det.find_element(By.CSS_SELECTOR, "table.var")),
          "a family's tests are shown before it is expanded")
    det.find_element(By.TAG_NAME, "summary").click()
    check(det.get_attribute("open") is not None, "clicking the summary does not expand it")
    rows = [r for r in det.find_elements(By.CSS_SELECTOR, "table.var tbody tr") if rendered(d, r)]
    ntests = sum(e["count"] for e in most["frameworks"].values())
    check(len(rows) == ntests, f"expanded {word}: {len(rows)} test rows shown, want {ntests}")
    check("rule" in det.text, f"expanded {word}: no phase or alias rule shown")
    no_overflow(d, "1400 px, expanded")
    matrix = d.find_elements(By.CSS_SELECTOR, "#matrix-table tbody tr")
    check(len(matrix) > 0, "the status matrix has no rows")
    screenshots(d, outdir, name, 1400, body)

    viewport(d, 390, 844)
    d.get(url)
    no_overflow(d, "390 px")
    body = d.find_element(By.CSS_SELECTOR, f"#family-table tbody.fam[data-name='{word}']")
    d.execute_script("arguments[0].scrollIntoView()", body)
    body.find_element(By.TAG_NAME, "summary").click()
    no_overflow(d, "390 px, expanded")
    screenshots(d, outdir, name, 390, body)
    errors = console_errors(d)
    check(not errors, f"console errors: {errors}")

    # JavaScript off (the page's one inline script removed, so nothing runs):
    # every family listed, the filters hidden, <details> still open.
    path = url[len("file://"):]
    with open(path, encoding="utf-8") as f:
        page = f.read()
    start, end = page.rfind("<script>"), page.rfind("</script>")
    check(start > 0 and end > start, "the page has no inline script to take out")
    nojs = path[:-len(".html")] + "-nojs.html"
    with open(nojs, "w", encoding="utf-8") as f:
        f.write(page[:start] + page[end + len("</script>"):])
    viewport(d, 1400, 1000)
    d.get("file://" + nojs)
    check(not d.find_element(By.ID, "family-filters").is_displayed(),
          "without JavaScript the (dead) filters are shown")
    check(sorted(visible(d)) == names, "without JavaScript not every family is shown")
    body = d.find_element(By.CSS_SELECTOR, f"#family-table tbody.fam[data-name='{word}']")
    body.find_element(By.TAG_NAME, "summary").click()
    rows = [r for r in body.find_elements(By.CSS_SELECTOR, "table.var tbody tr") if rendered(d, r)]
    check(len(rows) == ntests, "without JavaScript a family does not expand")
    no_overflow(d, "1400 px, without JavaScript")
    return len(names), ntests


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    binary, outdir, name, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    os.makedirs(outdir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="covengine-html-")
    d = None
    try:
        html, report = render(binary, args, work)
        d = start(work)
        nf, nt = run_checks(d, "file://" + os.path.abspath(html), report, outdir, name)
        print(f"ok: {nf} families; sorted, filtered, expanded ({nt} tests) in Chromium; "
              f"no sideways scroll at 1400 and 390 px; screenshots in {outdir}/html-{name}-*.png")
        return 0
    except Failed as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        if d is not None:
            d.quit()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
