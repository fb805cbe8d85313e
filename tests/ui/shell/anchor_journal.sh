#!/bin/sh
# The kiosk writes the activity log's head ("log head: SEQ:HASH") to the
# journal (stderr) after each hour with activity, and only then: run on the
# script's virtual clock (anchor/hourly_log_head.script), the line appears
# once, and the anchor it gives verifies with `gatehousectl log verify
# --anchor`.
#   anchor_journal.sh GATEHOUSE GATEHOUSECTL MKDB PLUGIN_DIR SCRIPT
set -u
gh=$1 ctl=$2 mkdb=$3 plugdir=$4 script=$5
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gh-ui-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; echo "--- kiosk stderr:"; cat "$tmp/err"; exit 1; }
"$mkdb" "$tmp/k.db" 0 || exit 1
printf '[store]\npath = %s/k.db\n[plugins]\ndir = %s\n[screen]\nwidth = 1080\nheight = 1920\n' \
    "$tmp" "$plugdir" > "$tmp/k.conf"
"$gh" --config "$tmp/k.conf" --headless --script "$script" 2>"$tmp/err"
rc=$?
[ "$rc" = 0 ] || fail "the script failed (exit $rc)"
n=$(grep -c "log head: " "$tmp/err")
[ "$n" = 1 ] || fail "expected one 'log head' line (one hour with activity out of three), got $n"
anchor=$(sed -n 's/.*log head: \([0-9]*:[0-9a-f]\{64\}\)$/\1/p' "$tmp/err")
[ -n "$anchor" ] || fail "the 'log head' line does not end in SEQ:HASH"
GATEHOUSE_CONFIG=/dev/null "$ctl" --db "$tmp/k.db" log verify --anchor "$anchor" \
    || fail "the anchor $anchor from the journal does not verify"
echo "PASS: one line, $anchor, verifies"
