#!/bin/sh
# The README's first code block gives two commands, build and test; the
# test command is tools/test.sh and .ci/run runs that script, so what CI
# runs is what a new user is told to run.
# usage: readme_commands.sh SOURCE_DIR
set -eu
src=$1
block=$(awk '/^```/{n++; next} n==1' "$src/README.md")
test_cmd=$(printf '%s\n' "$block" | sed -n 's/^\$ //p' | sed -n 2p)
[ "$test_cmd" = "tools/test.sh" ] || {
    echo "README: the second command of the first code block is '$test_cmd', not tools/test.sh" >&2
    exit 1
}
grep -qx 'exec tools/test.sh' "$src/.ci/run" || { echo ".ci/run does not exec tools/test.sh" >&2; exit 1; }
grep -qx 'exec tools/check.sh' "$src/tools/test.sh" || { echo "tools/test.sh does not run tools/check.sh" >&2; exit 1; }
[ -x "$src/tools/test.sh" ] && [ -x "$src/.ci/run" ] || { echo "tools/test.sh or .ci/run is not executable" >&2; exit 1; }
# Every package the build command installs, the test command installs too.
build_pkgs=$(printf '%s\n' "$block" | sed -n 's/^\$ //p' | sed -n 1p | sed 's/.*install -y -qq //; s/ &&.*//')
for p in $build_pkgs; do
    tr -s ' "\n' '\n' < "$src/tools/test.sh" | grep -qx -- "$p" || { echo "tools/test.sh does not install $p" >&2; exit 1; }
done
echo "README test command: tools/test.sh; .ci/run runs it"
