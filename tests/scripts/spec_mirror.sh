#!/bin/sh
# spec/ mirrors the engine's Lua half: every lua/covengine/NAME.lua has
# spec/covengine/NAME_spec.lua, and no spec there names a module that is
# gone. usage: spec_mirror.sh SOURCE_DIR
set -eu
cd "$1"
status=0
for m in lua/covengine/*.lua; do
    name=$(basename "$m" .lua)
    if [ ! -f "spec/covengine/${name}_spec.lua" ]; then
        echo "$m: no spec/covengine/${name}_spec.lua"
        status=1
    fi
done
for s in spec/covengine/*_spec.lua; do
    name=$(basename "$s" _spec.lua)
    if [ ! -f "lua/covengine/$name.lua" ]; then
        echo "$s: no module lua/covengine/$name.lua"
        status=1
    fi
done
exit $status
