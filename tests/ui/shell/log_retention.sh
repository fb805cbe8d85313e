#!/bin/sh
# Issue 16, log_retention_days on the kiosk: a database whose entries are
# 40 days old, the setting at 30. The kiosk prunes them when it starts
# (journal: "log retention: N entries older than 30 days pruned"), behind
# one checkpoint entry; the log then verifies from the checkpoint on, with
# the kiosk's own new entries after it.
#   log_retention.sh GATEHOUSE GATEHOUSECTL MKDB PLUGIN_DIR SCRIPT
set -u
gh=$1 ctl=$2 mkdb=$3 plugdir=$4 script=$5
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gh-ui-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; echo "--- kiosk stderr:"; cat "$tmp/err"; exit 1; }
q() { sqlite3 -batch "$tmp/k.db" "$1"; }
export GATEHOUSE_CONFIG=/dev/null
GH_CLOCK_OFFSET_S=$((-40 * 86400)) "$mkdb" "$tmp/k.db" 0 || exit 1
old=$(q "SELECT count(*) FROM audit")
[ "$old" -gt 2 ] || fail "mkdb wrote $old entries"
"$ctl" --db "$tmp/k.db" settings set log_retention_days 30 >/dev/null || fail "settings set"
printf '[store]\npath = %s/k.db\n[plugins]\ndir = %s\n[screen]\nwidth = 1080\nheight = 1920\n' \
    "$tmp" "$plugdir" > "$tmp/k.conf"
"$gh" --config "$tmp/k.conf" --headless --script "$script" 2>"$tmp/err"
rc=$?
[ "$rc" = 0 ] || fail "the script failed (exit $rc)"
grep -q "log retention: $old entries older than 30 days pruned" "$tmp/err" ||
    fail "no 'log retention: $old entries ... pruned' line in the journal"
[ "$(grep -c 'log retention:' "$tmp/err")" = 1 ] || fail "pruned more than once"
[ "$(q "SELECT action FROM audit ORDER BY seq LIMIT 1")" = log.checkpoint ] ||
    fail "the log does not start with its checkpoint"
[ "$(q "SELECT min(seq) FROM audit")" = "$old" ] || fail "the checkpoint is not entry $old"
[ "$(q "SELECT count(*) FROM audit WHERE action = 'auth.login'")" -ge 1 ] ||
    fail "the kiosk's own entry is missing"
"$ctl" --db "$tmp/k.db" log verify >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "log verify"; }
grep -q "pruned up to entry $old" "$tmp/out" || fail "log verify does not name the checkpoint"
echo "PASS: $old entries pruned behind a checkpoint that verifies"
