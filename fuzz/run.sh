#!/usr/bin/env bash
# fuzz/run.sh SECONDS [HARNESS...]: builds the libFuzzer harnesses (clang,
# -DCOV_FUZZ=ON, in build-fuzz unless COV_FUZZ_BUILD says otherwise) and runs
# each for SECONDS on a working copy of its seed corpus. Prints, per harness,
# the executions reached and whether anything was found; crash, leak, timeout
# and OOM inputs land in the findings directory. Exits 1 if any harness found
# something, 2 on bad usage or a failed build.
#
# Environment:
#   COV_FUZZ_BUILD     build directory (default: <repo>/build-fuzz)
#   COV_FUZZ_JOBS      harnesses run at the same time (default 1)
#   COV_FUZZ_FINDINGS  findings directory (default: <build>/fuzz/findings)
#   COV_FUZZ_FRESH=1   start from the seeds, not the corpus earlier runs grew
#   COV_FUZZ_ARGS      extra libFuzzer flags (e.g. -max_len=16384)
#   COV_FUZZ_CC        compiler for a first configure (default: clang)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
all=(yaml testid manifest scanner report forge yaml_pipe walk rules module)
usage() { echo "usage: fuzz/run.sh SECONDS [${all[*]}]" >&2; exit 2; }
[ $# -ge 1 ] && [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -gt 0 ] || usage
secs=$1
shift
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=("${all[@]}")
for h in "${harnesses[@]}"; do
    [[ " ${all[*]} " == *" $h "* ]] || { echo "fuzz/run.sh: unknown harness '$h'" >&2; usage; }
done

build=${COV_FUZZ_BUILD:-$root/build-fuzz}
findings=${COV_FUZZ_FINDINGS:-$build/fuzz/findings}
jobs=${COV_FUZZ_JOBS:-1}
read -r -a extra <<<"${COV_FUZZ_ARGS:-}"

# Configure once (the C tests are not needed here); rebuild every time so
# the harnesses match the sources.
mkdir -p "$build"
if ! grep -qs '^COV_FUZZ:BOOL=ON' "$build/CMakeCache.txt"; then
    CC=${COV_FUZZ_CC:-clang} cmake -S "$root" -B "$build" -DCOV_FUZZ=ON -DCOV_BUILD_TESTS=OFF \
        >"$build/fuzz-configure.log" 2>&1 || { cat "$build/fuzz-configure.log" >&2; exit 2; }
fi
targets=()
for h in "${harnesses[@]}"; do targets+=(--target "fuzz_$h"); done
cmake --build "$build" -j"$(nproc)" "${targets[@]}" >"$build/fuzz-build.log" 2>&1 ||
    { tail -40 "$build/fuzz-build.log" >&2; echo "fuzz/run.sh: build failed" >&2; exit 2; }

dict_of() {
    case $1 in
        yaml | report | yaml_pipe | module) echo "$root/fuzz/yaml.dict" ;;
        walk) echo "$root/fuzz/walk.dict" ;;
        rules) echo "$root/fuzz/lua.dict" ;;
        testid) echo "$root/fuzz/testid.dict" ;;
        manifest) echo "$root/fuzz/json.dict" ;;
        scanner|forge) echo "$root/fuzz/python.dict" ;;
    esac
}

run_one() {
    local h=$1 work=$build/fuzz/run/$1
    [ "${COV_FUZZ_FRESH:-0}" = 1 ] && rm -rf "$work"
    rm -f "$work.rc" "$work.log"
    mkdir -p "$work/corpus" "$findings/$h"
    touch "$work.stamp" # findings newer than this are this run's
    # The checked-in seeds and the fixtures CMake gathered (fuzz/CMakeLists.txt).
    cp -n "$root/fuzz/corpus/$h/"* "$build/fuzz/seeds/$h/"* "$work/corpus/" 2>/dev/null || true
    local rc=0 own=()
    # A rule script the budgets do not stop is a finding: say so in seconds.
    if [ "$h" = rules ]; then own=(-timeout=20); fi
    "$build/fuzz/fuzz_$h" ${own[@]+"${own[@]}"} -max_total_time="$secs" -print_final_stats=1 \
        -artifact_prefix="$findings/$h/" -dict="$(dict_of "$h")" ${extra[@]+"${extra[@]}"} \
        "$work/corpus" >"$work.log" 2>&1 || rc=$?
    echo "$rc" >"$work.rc"
}

running=0
for h in "${harnesses[@]}"; do
    if [ "$running" -ge "$jobs" ]; then
        wait -n || true
        running=$((running - 1))
    fi
    echo "fuzz_$h: ${secs}s..." >&2
    run_one "$h" &
    running=$((running + 1))
done
wait

status=0
# corpus: libFuzzer's final in-memory corpus (units/size) and the files now in
# the working copy; cov: instrumented edges reached.
printf '%-9s %7s %11s %7s %6s %14s %7s  %s\n' harness seconds executions exec/s cov \
    corpus files findings
for h in "${harnesses[@]}"; do
    work=$build/fuzz/run/$h
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work.log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work.log" | tail -1)
    done_line=$(grep -a 'DONE ' "$work.log" | tail -1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\) .*/\1/p' <<<"$done_line")
    corp=$(sed -n 's/.* corp: \([^ ]*\) .*/\1/p' <<<"$done_line")
    files=$(find "$work/corpus" -type f | wc -l)
    found=$(find "$findings/$h" -type f \( -name 'crash-*' -o -name 'leak-*' -o \
        -name 'timeout-*' -o -name 'oom-*' \) -newer "$work.stamp" 2>/dev/null | wc -l)
    rc=$(cat "$work.rc" 2>/dev/null || echo '?')
    verdict=none
    if [ "$rc" != 0 ] || [ "$found" -gt 0 ]; then
        verdict="FOUND (exit $rc; $found file(s) in $findings/$h; log $work.log)"
        status=1
    fi
    printf '%-9s %7s %11s %7s %6s %14s %7s  %s\n' "$h" "$secs" "${execs:-?}" "${rate:-?}" \
        "${cov:-?}" "${corp:-?}" "$files" "$verdict"
done
exit $status
