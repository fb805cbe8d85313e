#!/bin/sh
# A font that can't be read is a setup error (exit 2) whose message names
# the file and the config key, not a crash or a blank screen.
set -u
gh=$1 mkdb=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gh-ui-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
"$mkdb" "$tmp/k.db" || exit 1
printf '[store]\npath = %s/k.db\n[plugins]\ndir = %s/none\n[screen]\nfont = %s/missing.ttf\n' \
  "$tmp" "$tmp" "$tmp" > "$tmp/k.conf"
"$gh" --config "$tmp/k.conf" --headless --dump-ui >/dev/null 2>"$tmp/err"
rc=$?
cat "$tmp/err"
[ $rc -eq 2 ] || { echo "expected exit 2, got $rc"; exit 1; }
grep -q "missing.ttf" "$tmp/err" && grep -q "\[screen\] font" "$tmp/err" ||
  { echo "the message does not name the font and the setting"; exit 1; }
exit 0
