#!/bin/sh
# SIGTERM and SIGINT end the kiosk cleanly (plugins' shutdown runs, exit 0),
# with a screen (headless) and in --no-screen service mode; an idle kiosk
# uses next to no CPU while it waits.
set -u
gh=$1 mkdb=$2 plugdir=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gh-ui-XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
"$mkdb" "$tmp/k.db" || exit 1
printf '[store]\npath = %s/k.db\n[plugins]\ndir = %s\n' "$tmp" "$plugdir" > "$tmp/k.conf"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() {  # run MODE SIGNAL
  mode=$1 sig=$2
  rm -f "$tmp/down"
  UITEST_SHUTDOWN_FILE="$tmp/down" "$gh" --config "$tmp/k.conf" $mode 2>"$tmp/log" &
  pid=$!
  i=0
  while ! grep -q "started" "$tmp/log" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 100 ] && { echo "$mode: did not start"; cat "$tmp/log"; return 1; }
    sleep 0.1
  done
  sleep 0.5
  t0=$(ticks $pid)
  sleep 2
  t1=$(ticks $pid)
  used=$((t1 - t0))
  echo "$mode: $used CPU ticks (1/100 s) in 2 s idle"
  if [ "$used" -gt 4 ]; then echo "$mode: busy while idle"; return 1; fi
  kill -"$sig" $pid
  i=0
  while kill -0 $pid 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 50 ] && { echo "$mode: still running 5 s after SIG$sig"; return 1; }
    sleep 0.1
  done
  wait $pid; rc=$?
  pid=
  [ "$rc" -eq 0 ] || { echo "$mode: exit $rc after SIG$sig"; cat "$tmp/log"; return 1; }
  [ -f "$tmp/down" ] || { echo "$mode: plugin shutdown not called"; cat "$tmp/log"; return 1; }
  grep -q "shutting down" "$tmp/log" || { echo "$mode: no shutdown line"; return 1; }
  echo "$mode: SIG$sig -> clean exit"
}
run --headless TERM || exit 1
run --headless INT || exit 1
(unset DISPLAY WAYLAND_DISPLAY; run --no-screen TERM) || exit 1
exit 0
