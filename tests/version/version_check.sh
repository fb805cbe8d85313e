#!/bin/sh
# version_check.sh VERSION GATEHOUSE GATEHOUSECTL: each program's --version
# prints "NAME VERSION" and exits 0.
v=$1
shift
for prog in "$@"; do
  name=$(basename "$prog")
  out=$("$prog" --version) || { echo "FAIL: $name --version exited $?"; exit 1; }
  [ "$out" = "$name $v" ] || { echo "FAIL: $name --version printed '$out', expected '$name $v'"; exit 1; }
done
echo "ok: $v"
