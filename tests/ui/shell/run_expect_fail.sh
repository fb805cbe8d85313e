#!/bin/sh
# A script that must fail: exit code 1 and "SCRIPT:LINE: ..." on stderr,
# where LINE is the one marked "# FAILS HERE" in the script.
#   run_expect_fail.sh GATEHOUSE MKDB PLUGIN_DIR SCRIPT
set -u
dir=$(dirname "$0")
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$dir/run_script.sh" "$1" "$2" "$3" "$4" - 2>"$out"
rc=$?
line=$(grep -n "# FAILS HERE" "$4" | cut -d: -f1)
if [ "$rc" -ne 1 ]; then
  echo "expected exit 1, got $rc"; cat "$out"; exit 1
fi
if ! grep -q "^$4:$line: " "$out"; then
  echo "expected a message at $4:$line"; cat "$out"; exit 1
fi
grep "^$4:" "$out"
exit 0
