#!/bin/sh
# unknown_name_fails.sh TEST_PROGRAM: a cmocka test program given a test name
# it does not have must fail and say so, not pass by running nothing (a
# renamed test would otherwise silently empty its ctest entry).
prog=$1
out=$("$prog" no_such_test_name 2>&1)
rc=$?
if [ "$rc" -eq 0 ]; then
  echo "FAIL: $prog no_such_test_name exited 0:"; echo "$out"; exit 1
fi
case $out in
  *"no test named no_such_test_name"*) echo "ok: exit $rc" ;;
  *) echo "FAIL: exit $rc without naming the test:"; echo "$out"; exit 1 ;;
esac
