#!/bin/sh
# The whole test suite with every test's code under valgrind (memcheck:
# errors and definite/indirect leaks fail a test). CI runs the same build
# without the tests labelled "slow"; this runs them too. The allocation
# sweep is left out here as in CI: it repeats the same runs thousands of
# times (about 20 minutes under valgrind) and counts leaks itself.
set -eu
cd "$(dirname "$0")/.."
cmake -S . -B build-valgrind -DCOV_VALGRIND=ON -DCOV_WERROR=ON
cmake --build build-valgrind -j2
ctest --test-dir build-valgrind --output-on-failure -j2 -E alloc_fail "$@"
