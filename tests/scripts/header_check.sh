#!/bin/sh
# The public header compiles warning-free as C11 and C++17, and every public
# function in it is documented with its ownership.
# usage: header_check.sh CC LUA SOURCE_DIR GENERATED_INCLUDE_DIR
# (the last holds covengine_version.h, which CMake writes)
set -eu
cc=$1 lua=$2 src=$3 gen=$4
h="$src/include/covengine.h"
"$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I"$gen" -x c "$h"
c++ -std=c++17 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I"$gen" -x c++ "$h"
"$lua" "$src/tools/check-header-docs.lua" "$h"
