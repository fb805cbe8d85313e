#!/usr/bin/env bash
# The instance lock between the real programs: a running `gatehouse
# --no-screen` (the headless service) holds the database, so a second kiosk
# and `gatehousectl restore` are refused while it runs, and both work again
# once it has stopped on SIGTERM.
#
#   kiosk_lock_check.sh GATEHOUSE GATEHOUSECTL
set -uo pipefail
gh=$1 ctl=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gh-lock.XXXXXX")
kiosk=
cleanup() { [ -n "$kiosk" ] && kill -9 "$kiosk" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$tmp/kiosk.log" ] && sed 's/^/  kiosk: /' "$tmp/kiosk.log"; exit 1; }

mkdir "$tmp/plugins"
cat > "$tmp/gatehouse.conf" <<CONF
[store]
path = $tmp/gatehouse.db
[plugins]
dir = $tmp/plugins
CONF
c=(--config "$tmp/gatehouse.conf")
"$ctl" "${c[@]}" init >/dev/null || fail "init"
"$ctl" "${c[@]}" backup "$tmp/backup.db" >/dev/null || fail "backup"

"$gh" "${c[@]}" --no-screen >"$tmp/kiosk.log" 2>&1 &
kiosk=$!
# Wait (bounded) until it holds the lock: its pid is in the lock file.
for _ in $(seq 100); do
  [ "$(cat "$tmp/gatehouse.db.lock" 2>/dev/null)" = "$kiosk" ] && break
  kill -0 "$kiosk" 2>/dev/null || fail "the kiosk exited at start-up"
  sleep 0.1
done
[ "$(cat "$tmp/gatehouse.db.lock" 2>/dev/null)" = "$kiosk" ] || fail "the kiosk never took the lock"

out=$("$ctl" "${c[@]}" restore "$tmp/backup.db" 2>&1); rc=$?
echo "restore while running: rc=$rc: $out"
[ $rc = 1 ] || fail "restore was not refused (rc $rc)"
[[ "$out" == *"pid $kiosk"* ]] || fail "the refusal does not name the kiosk's pid"

timeout 10 "$gh" "${c[@]}" --no-screen >"$tmp/second.log" 2>&1; rc=$?
echo "second kiosk: rc=$rc: $(cat "$tmp/second.log")"
[ $rc != 0 ] && [ $rc != 124 ] || fail "a second kiosk on the same database was not refused"

kill -TERM "$kiosk"
for _ in $(seq 100); do kill -0 "$kiosk" 2>/dev/null || break; sleep 0.1; done
wait "$kiosk"; rc=$?
kiosk=
[ $rc = 0 ] || fail "the kiosk did not stop cleanly on SIGTERM (rc $rc)"

"$ctl" "${c[@]}" restore "$tmp/backup.db" || fail "restore after the kiosk stopped"
"$ctl" "${c[@]}" log verify >/dev/null || fail "log verify after restore"
echo "ok: refused while the kiosk ran, restored after it stopped"
