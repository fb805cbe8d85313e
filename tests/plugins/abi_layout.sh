#!/bin/sh
# abi_layout.sh PROGRAM EXPECTED: the layout abi_layout.c prints for this
# build, held against EXPECTED (tests/plugins/abi_layout.txt):
#  - the section of the header's ABI version ([MAJOR.MINOR]) must exist and
#    match line for line, so any change a plugin could see fails here
#    unless the version moves and the section is added;
#  - every older section of the same major must still hold: its sizes and
#    offsets unchanged, its tables ("grows") no smaller.
# Prints "ok" and exits 0, else every difference and exits 1.
set -u
prog=$1 expected=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$prog" > "$tmp/actual" || { echo "FAIL: $prog exited $?"; exit 1; }
abi=$(sed -n '1s/^abi //p' "$tmp/actual")
major=${abi%%.*} minor=${abi#*.}
sed 1d "$tmp/actual" > "$tmp/now"
section() { awk -v s="[$1]" '$0 == s { on = 1; next } /^\[/ { on = 0 } on && NF && !/^#/' "$expected"; }

status=0
section "$abi" > "$tmp/want"
if [ ! -s "$tmp/want" ]; then
  echo "FAIL: $expected has no section [$abi] (the header's ABI version)."
  echo "If the version just moved, add this section (see the top of $expected):"
  echo "[$abi]"; cat "$tmp/now"
  exit 1
fi
if ! diff -u "$tmp/want" "$tmp/now" > "$tmp/diff"; then
  echo "FAIL: the layout plugins see differs from [$abi] in $expected:"
  cat "$tmp/diff"
  echo "A member appended to a table: move GH_PLUGIN_ABI_MINOR on and add a section."
  echo "A data struct changed size or offsets: that breaks ABI $major (see docs/plugins.md, Versions)."
  status=1
fi
m=0
while [ "$m" -lt "$minor" ]; do
  section "$major.$m" | while read -r kind what n; do
    case $kind in
    grows)
      have=$(awk -v w="$what" '$1 == "grows" && $2 == w { print $3 }' "$tmp/now")
      if [ -z "$have" ] || [ "$have" -lt "$n" ]; then
        echo "FAIL: struct $what is ${have:-gone}, smaller than ABI $major.$m's $n bytes"
        echo x >> "$tmp/older"
      fi ;;
    *)
      if ! grep -qxF "$kind $what $n" "$tmp/now"; then
        echo "FAIL: ABI $major.$m's '$kind $what $n' no longer holds"
        echo x >> "$tmp/older"
      fi ;;
    esac
  done
  m=$((m + 1))
done
[ -e "$tmp/older" ] && status=1
[ "$status" = 0 ] && echo ok
exit "$status"
