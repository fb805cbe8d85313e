#!/bin/sh
# out_of_tree.sh CMAKE BUILD_DIR GATEHOUSECTL DOC EXAMPLE_C
# docs/plugins.md's out-of-tree build, run as printed: the plugin-dev
# component is installed into a temporary prefix, the docs example (hello.c,
# extracted from the same page) is compiled with the page's command
# (`pkg-config --cflags gatehouse-plugin` from that prefix) and again with
# the installed CMake package (Gatehouse::plugin), and gatehousectl loads
# the first and runs its command. Prints "ok" and exits 0, else says what
# went wrong and exits 1.
set -eu
cmake=$1 build=$2 ctl=$3 doc=$4 example=$5
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gh-oot-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; for f in "$tmp"/*.err; do [ -s "$f" ] && sed 's/^/  | /' "$f"; done; exit 1; }

prefix=$tmp/prefix
"$cmake" --install "$build" --prefix "$prefix" --component plugin-dev >/dev/null 2>"$tmp/install.err" \
  || fail "cmake --install --component plugin-dev: exit $?"
for f in include/gatehouse/plugin.h include/gatehouse/plugin_redirect.h \
         share/pkgconfig/gatehouse-plugin.pc share/cmake/GatehousePlugin/GatehousePluginConfig.cmake; do
  [ -f "$prefix/$f" ] || fail "not installed: $f"
done
[ ! -e "$prefix/include/gatehouse/plugin_host.h" ] || fail "plugin_host.h (the programs' side) was installed"

export PKG_CONFIG_PATH="$prefix/share/pkgconfig"
cflags=$(pkg-config --cflags gatehouse-plugin 2>"$tmp/pc.err") || fail "pkg-config --cflags gatehouse-plugin failed"
case $cflags in *"$prefix"*) ;; *) fail "pkg-config gives '$cflags', not the prefix $prefix" ;; esac

# The build command, as the page prints it (the sh block after the marker).
mkdir "$tmp/src"
cp "$example" "$tmp/src/hello.c"
sed -n '/<!-- example: build hello.so -->/,/^```$/p' "$doc" | sed '1,2d;$d' > "$tmp/src/build.sh"
[ -s "$tmp/src/build.sh" ] || fail "no build command after '<!-- example: build hello.so -->' in $doc"
(cd "$tmp/src" && sh -e build.sh) 2>"$tmp/cc.err" || fail "the page's build command failed: $(cat "$tmp/src/build.sh")"
[ -f "$tmp/src/hello.so" ] || fail "the page's build command made no hello.so"
! grep -q 'warning:' "$tmp/cc.err" || fail "the docs example compiles with warnings"

# The same with the CMake package.
mkdir "$tmp/cm"
cp "$example" "$tmp/cm/hello.c"
cat > "$tmp/cm/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(hello C)
find_package(GatehousePlugin REQUIRED)
add_library(hello MODULE hello.c)
set_target_properties(hello PROPERTIES PREFIX "" C_VISIBILITY_PRESET hidden)
target_link_libraries(hello PRIVATE Gatehouse::plugin)
CM
"$cmake" -S "$tmp/cm" -B "$tmp/cm/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null 2>"$tmp/cmake.err" \
  || fail "find_package(GatehousePlugin) project did not configure"
"$cmake" --build "$tmp/cm/build" >/dev/null 2>>"$tmp/cmake.err" || fail "the CMake package build failed"
[ -f "$tmp/cm/build/hello.so" ] || fail "the CMake package build made no hello.so"

# Loaded by the real program.
mkdir "$tmp/plugins"
chmod 0755 "$tmp/plugins"
cp "$tmp/src/hello.so" "$tmp/plugins/hello.so"
chmod 0644 "$tmp/plugins/hello.so"
cat > "$tmp/k.conf" <<CONF
[store]
path = $tmp/k.db
[plugins]
dir = $tmp/plugins
CONF
"$ctl" --config "$tmp/k.conf" init >/dev/null 2>"$tmp/init.err" || fail "init: exit $?"
out=$("$ctl" --config "$tmp/k.conf" hello 2>"$tmp/ctl.err") || fail "gatehousectl hello: exit $?"
[ "$out" = "Hello, world, from Gatehouse." ] || fail "gatehousectl hello printed: $out"
echo ok
