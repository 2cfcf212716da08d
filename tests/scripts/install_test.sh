#!/bin/sh
# Installs the build into a temporary prefix, moves the prefix elsewhere,
# and uses it exactly as an outside user would: the installed CLI run by
# bare name from PATH with no other environment, the C example built with
# the documented line (pkg-config, no LD_LIBRARY_PATH), the stock-Lua
# example with only package.cpath set, the Python ctypes example (loading
# the library by a relative path). Also checks what the shared library
# exports.
# usage: install_test.sh BUILD_DIR SOURCE_DIR
set -eu
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/installed" > "$work/install.log"
# Wherever the prefix was installed, it must work where it is now.
prefix="$work/moved"
mv "$work/installed" "$prefix"
mkdir "$work/elsewhere"

# Nothing of the build tree may leak into what the installed tree finds.
unset COVENGINE_PATH
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
libdir=$(pkg-config --variable=libdir covengine)

echo "== the installed CLI, by bare name from PATH, no other environment"
printf 'return require("covengine").data_dir .. "\\n"\n' > "$work/datadir.lua"
(cd "$work/elsewhere" && env -i PATH="$prefix/bin:/usr/bin:/bin" covengine "$work/datadir.lua") \
    > "$work/datadir.out"
cat "$work/datadir.out"
test "$(cat "$work/datadir.out")" = "$prefix/share/covengine"
(cd "$work/elsewhere" && env -i PATH="$prefix/bin:/usr/bin:/bin" covengine -q) > "$work/cli.out"
grep -q '^# EasyDeL model coverage' "$work/cli.out"
# An unknown format lists the rule directories: the moved prefix, never the
# source or build tree.
(cd "$work/elsewhere" && env -i PATH="$prefix/bin:/usr/bin:/bin" covengine -q --format nope) \
    2> "$work/nope.err" && exit 1
cat "$work/nope.err"
grep -q "no reports/nope.lua in $prefix/share/covengine/rules" "$work/nope.err"
if grep -q "$src\|$build" "$work/nope.err"; then
    echo "the installed CLI looked in the source or build tree"
    exit 1
fi

echo "== nm -D: only cov_ symbols and luaopen_covengine are exported"
bad=$(nm -D --defined-only "$prefix/lib/libcovengine.so" | awk '{print $3}' \
      | grep -v '^cov_' | grep -v '^luaopen_covengine$' || true)
if [ -n "$bad" ]; then
    echo "unexpected exports: $bad"
    exit 1
fi

echo "== C host built with the documented line, run with no LD_LIBRARY_PATH"
# docs/embedding.md and examples/embed.c: cc embed.c $(pkg-config --cflags --libs covengine)
unset LD_LIBRARY_PATH
(cd "$work" && cc "$src/examples/embed.c" $(pkg-config --cflags --libs covengine) -o embed \
    && ./embed) > "$work/embed.out"
cat "$work/embed.out"
grep -qx 'llama' "$work/embed.out"

echo "== stock lua5.4 with the C module"
(cd "$work" && lua5.4 -e "package.cpath='$prefix/lib/lua/5.4/?.so;'..package.cpath" \
    "$src/examples/ci-summary.lua") > "$work/lua.out"
cat "$work/lua.out"
grep -q '^covengine: [0-9]* tests; EasyDeL [0-9]*/53 modules tested' "$work/lua.out"

echo "== Python ctypes"
python3 "$src/examples/ctypes_summary.py" "$libdir/libcovengine.so" > "$work/py.out"
cat "$work/py.out"
grep -q 'Tested families EasyDeL implements' "$work/py.out"
echo "== the library loaded by a relative path finds its prefix after a chdir"
(cd "$prefix" && python3 -c '
import ctypes, os
lib = ctypes.CDLL("./lib/libcovengine.so")
os.chdir("/")
lib.cov_data_dir.restype = ctypes.c_char_p
print(lib.cov_data_dir().decode())') > "$work/reldir.out"
cat "$work/reldir.out"
test "$(cat "$work/reldir.out")" = "$prefix/share/covengine"

test -f "$prefix/share/man/man1/covengine.1"
test -f "$prefix/share/covengine/rules/reports/markdown.lua"

echo "== COVENGINE_PATH puts a user directory first"
mkdir -p "$work/mine/reports"
printf 'return { render = function(r) return "mine: " .. r.summary.tests .. "\\n" end }\n' \
    > "$work/mine/reports/mine.lua"
(cd "$work" && COVENGINE_PATH="$work/mine" "$prefix/bin/covengine" -q --format mine) \
    > "$work/mine.out"
grep -qx 'mine: [0-9]*' "$work/mine.out"
echo "== COVENGINE_PATH overrides one rule module of the installed rules"
mkdir -p "$work/aliases-only"
cat > "$work/aliases-only/aliases.lua" <<'LUA'
local alias = require "covengine.alias"
return alias.set { alias.rule { family = "bert", module = "roberta", reason = "a user's override" } }
LUA
(cd "$work" && COVENGINE_PATH="$work/aliases-only" "$prefix/bin/covengine" -q --format json) \
    > "$work/aliases.json"
grep -q '"a user.s override"' "$work/aliases.json"
echo "ok"
