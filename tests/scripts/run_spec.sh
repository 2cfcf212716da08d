#!/bin/sh
# Runs one busted spec (the command after the spec's path), or skips it
# (exit 77, ctest's SKIP_RETURN_CODE) when shared data it names in its
# lines "-- needs shared data: PATH ..." is absent under $COV_SHARED_DATA
# (default ../shared/data). A spec that returned early instead would pass
# with no test run; spec/helpers.lua's need_shared reads the same lines, so
# busted run by hand marks the spec pending.
# usage: run_spec.sh SPEC COMMAND [ARG...]
set -eu
spec=$1
shift
shared=${COV_SHARED_DATA:-../shared/data}
needs=$(sed -n 's/^-- needs shared data: *//p' "$spec")
for path in $needs; do
    if [ ! -e "$shared/$path" ]; then
        echo "skipped: $spec needs $shared/$path, which is absent"
        exit 77
    fi
done
exec "$@"
