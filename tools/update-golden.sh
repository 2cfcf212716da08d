#!/bin/sh
# Rewrites the golden reports of the built-in snapshot (spec/golden/) after
# an intended change to the default rules or formats. Review the diff.
set -eu
cd "$(dirname "$0")/.."
bin=${COVENGINE:-build/covengine}
"$bin" -q --format markdown rules/phases.lua > spec/golden/snapshot.md
"$bin" -q --format json rules/phases.lua > spec/golden/snapshot.json
git diff --stat -- spec/golden
