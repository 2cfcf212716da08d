#!/bin/sh
# Opens the HTML report in headless Chromium and checks that the browser laid
# out the families table (every row, with a real size) and the SVG chart
# (every bar drawn). The report has no script of its own; the test appends a
# small one that measures the rendered page and writes what it saw into the
# DOM, which Chromium then dumps.
# usage: html_chromium.sh COVENGINE [covengine args...]; exit 77 to skip.
set -eu
bin=$1
shift
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "skip: chromium is not installed (apt-get install -y chromium)"
    exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# COVENGINE_WRAPPER (valgrind in that build) is split into words on purpose.
${COVENGINE_WRAPPER:-} "$bin" -q --format html "$@" rules/phases.lua > "$work/report.html"

rows=$(sed -n '/<table id="families-with-easydel">/,/<\/table>/p' "$work/report.html" | grep -c '^<tr>')
bars=$(grep -c '<rect class="bar"' "$work/report.html")
sed 's#</body>#<script>(function(){var t=document.querySelector("\#families-with-easydel");var c=document.querySelector("\#coverage-chart");var r=t.querySelectorAll("tbody tr").length;var tb=t.getBoundingClientRect();var cb=c.getBoundingClientRect();var drawn=0;c.querySelectorAll("rect.bar").forEach(function(b){if(b.getBBox().height>0)drawn++;});document.body.setAttribute("data-check","rows="+r+";table="+(tb.width>0\&\&tb.height>0)+";chart="+(cb.width>0\&\&cb.height>0)+";bars="+drawn);})();</script></body>#' \
    "$work/report.html" > "$work/check.html"

"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --dump-dom "file://$work/check.html" \
    > "$work/dom.html" 2> "$work/chromium.log" || {
    cat "$work/chromium.log"
    exit 1
}
want="rows=$rows;table=true;chart=true;bars=$bars"
got=$(grep -o 'data-check="[^"]*"' "$work/dom.html" | sed 's/data-check="//; s/"$//')
if [ "$got" != "$want" ]; then
    echo "rendered: '$got', want '$want'"
    exit 1
fi
echo "ok: Chromium rendered $rows table rows and $bars chart bars"
