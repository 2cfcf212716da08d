#!/bin/sh
# Installs the build into a temporary prefix and uses it exactly as an
# outside user would: the C example built with pkg-config against the
# installed header and library, the stock-Lua example with only
# package.cpath set, the Python ctypes example, and the installed CLI with
# no environment variables. Also checks what the shared library exports.
# usage: install_test.sh BUILD_DIR SOURCE_DIR
set -eu
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" > "$work/install.log"

# Nothing of the build tree may leak into what the installed tree finds.
unset COVENGINE_PATH
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
libdir=$(pkg-config --variable=libdir covengine)

echo "== nm -D: only cov_ symbols and luaopen_covengine are exported"
bad=$(nm -D --defined-only "$prefix/lib/libcovengine.so" | awk '{print $3}' \
      | grep -v '^cov_' | grep -v '^luaopen_covengine$' || true)
if [ -n "$bad" ]; then
    echo "unexpected exports: $bad"
    exit 1
fi

echo "== C host via pkg-config"
cc -std=c11 -Wall -Wextra -Werror "$src/examples/embed.c" \
    $(pkg-config --cflags --libs covengine) -o "$work/embed"
LD_LIBRARY_PATH="$libdir" "$work/embed" > "$work/embed.out"
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

echo "== installed CLI finds its rules with no environment"
(cd "$work" && "$prefix/bin/covengine" -q) > "$work/cli.out"
grep -q '^# EasyDeL model coverage' "$work/cli.out"
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
