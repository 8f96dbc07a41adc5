#!/bin/sh
# check_install.sh BUILD_DIR SOURCE_DIR [EXTRA_CFLAGS]
#
# Install the build into a scratch prefix, then build the example of
# docs/api.md against it twice — with pkg-config and with the CMake package —
# run both, and check what they print. This tests the install target, the
# pkg-config file, the CMake package config and the documented example.
set -eu
build=$1
src=$2
extra=${3:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/concord-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
libdir=$(find "$work/prefix" -name concord.pc -printf '%h\n' | head -1)
[ -n "$libdir" ] || { echo "concord.pc was not installed"; exit 1; }
libdir=$(dirname "$libdir")
# the example is the ```c block after the "## Example" heading of docs/api.md
awk '/^## Example/{ex=1} ex && /^```c$/{on=1; next} on && /^```$/{on=0; ex=0} on' \
    "$src/docs/api.md" >"$work/app.c"
expected='0-38 Mr. Tanaka met Gen. Ivanov in the U.S.
39-68 How long he stays is unclear.'

# 1. pkg-config, shared library
export PKG_CONFIG_PATH="$libdir/pkgconfig"
# shellcheck disable=SC2046,SC2086
cc -std=c11 -Wall -Wextra -Werror $extra -o "$work/app" "$work/app.c" \
    $(pkg-config --cflags --libs concord)
got=$(LD_LIBRARY_PATH="$libdir" "$work/app")
[ "$got" = "$expected" ] || { echo "pkg-config build printed:"; echo "$got"; exit 1; }
echo "pkg-config: ok ($(pkg-config --modversion concord))"

# 2. CMake package, static library
mkdir -p "$work/proj"
cp "$work/app.c" "$work/proj/"
cat >"$work/proj/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.25)
project(app C)
find_package(concord REQUIRED)
add_executable(app app.c)
target_link_libraries(app PRIVATE concord::concord_static)
target_compile_options(app PRIVATE $extra)
target_link_options(app PRIVATE $extra)
CMAKE
cmake -S "$work/proj" -B "$work/proj/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/proj/build" >/dev/null
got=$("$work/proj/build/app")
[ "$got" = "$expected" ] || { echo "CMake build printed:"; echo "$got"; exit 1; }
echo "CMake package: ok"
