#!/bin/sh
# The test command: the README names it and .ci/run runs it. Installs the
# Debian 12 packages the whole suite needs (as root; otherwise it says so and
# uses what is installed), then runs the suite (tools/check.sh).
set -eu
cd "$(dirname "$0")/.."
packages="gcc g++ make cmake pkg-config liblua5.4-dev libyaml-dev libcjson-dev libgit2-dev
  lua5.4 lua-busted lua-check python3-yaml python3-jsonschema git valgrind clang clang-format
  libclang-rt-14-dev chromium chromium-driver python3-selenium cmark-gfm"
if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    # shellcheck disable=SC2086 # one word per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages
else
    echo "tools/test.sh: not root, not installing packages; needs: $(echo $packages)" >&2
fi
exec tools/check.sh
