#!/bin/sh
# The whole test suite, as CI runs it (README's test command calls this):
#  1. ASan+UBSan build, warnings as errors: every C test, spec, lint, the
#     allocation-failure sweep, Chromium and install tests;
#  2. the same tests with their code under valgrind, without those labelled
#     "slow" or "heavy" (dozens of runs over the real snapshots each, the
#     same code paths the ASan pass covers) and the allocation sweep; see
#     tools/valgrind-suite.sh for all of them;
#  3. the fuzz harnesses (clang, libFuzzer, ASan+UBSan; every load through
#     the parser thread): corpus replay and a short run each;
#  4. ThreadSanitizer over the tests that run threads: two engines at once
#     (c_threads) and the tt-xla loader's parser thread (c_load_ttxla).
set -eu
cd "$(dirname "$0")/.."
jobs=${COV_JOBS:-2}

cmake -S . -B build-check -DCOV_WERROR=ON -DCOV_SANITIZE=address,undefined -DCOV_FREE_AT_EXIT=ON
cmake --build build-check -j"$jobs"
ctest --test-dir build-check --output-on-failure -j"$jobs"

cmake -S . -B build-valgrind -DCOV_WERROR=ON -DCOV_VALGRIND=ON -DCOV_FREE_AT_EXIT=ON
cmake --build build-valgrind -j"$jobs"
ctest --test-dir build-valgrind --output-on-failure -j"$jobs" -LE 'slow|heavy' -E 'alloc_fail'

CC=clang cmake -S . -B build-fuzz -DCOV_FUZZ=ON -DCOV_BUILD_TESTS=OFF -DCOV_WERROR=ON
cmake --build build-fuzz -j"$jobs"
ctest --test-dir build-fuzz -L fuzz --output-on-failure -j"$jobs"

cmake -S . -B build-tsan -DCOV_WERROR=ON -DCOV_SANITIZE=thread -DCOV_FREE_AT_EXIT=ON
cmake --build build-tsan -j"$jobs" --target test_threads test_load_ttxla covengine
TSAN_OPTIONS=halt_on_error=1 ctest --test-dir build-tsan --output-on-failure -j"$jobs" \
  -R '^c_(threads|load_ttxla)$'
