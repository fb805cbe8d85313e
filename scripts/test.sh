#!/usr/bin/env bash
# Builds Gatehouse and runs the whole test suite (ctest), installing what is
# missing from Debian first. Usage: scripts/test.sh [--sanitize] [ctest args]
#   --sanitize   build with ASan/UBSan in build-asan/ and run the suite there
#   ctest args   passed on as they are, e.g. -R core_rules, or -LE slow for a
#                quick loop without the tests labelled slow (CI runs them all)
# On CI (CI=true) the package test also installs the built .deb system-wide.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
cmake_extra=()
if [ "${1:-}" = "--sanitize" ]; then
  shift
  build=build-asan
  cmake_extra+=(-DGH_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:verify_asan_link_order=0}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fi

scripts/deps.sh
[ "${CI:-}" = "true" ] && export GH_TEST_INSTALL_DEB=${GH_TEST_INSTALL_DEB:-1}
# Tests name their own config; never the one an installed package left in /etc.
export GATEHOUSE_CONFIG=${GATEHOUSE_CONFIG:-/dev/null}

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${cmake_extra[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 300 "$@"
