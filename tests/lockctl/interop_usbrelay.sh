#!/bin/bash
# interop_usbrelay.sh: our relay layer and Debian's usbrelay CLI drive the
# same simulated dcttech board, each in its own process, through the
# gh-relay-sim server (the board is reached by usbrelay through an emulated
# /dev/hidraw0 and by us through usbfs). Each must see what the other set.
#   interop_usbrelay.sh GH_RELAY_SIM GH_RELAY_TOOL
set -u
SIM=$1
TOOL=$2
USBRELAY=$(command -v usbrelay) || { echo "FAIL: usbrelay not installed (scripts/deps.sh)"; exit 1; }
tmp=$(mktemp -d /tmp/gh-interop.XXXXXX)
sock=$tmp/sim.sock
"$SIM" --socket "$sock" --board dcttech:INTOP:2 >"$tmp/out" 2>"$tmp/err" </dev/null &
pid=$!
main_pid=$BASHPID
cleanup() {   # only the main shell, never a $(...) subshell, cleans up
    [ "$BASHPID" = "$main_pid" ] || return 0
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
for _ in $(seq 100); do grep -qs '^ready' "$tmp/out" && break; sleep 0.05; done
grep -qs '^ready' "$tmp/out" || { echo "FAIL: simulator did not start"; cat "$tmp/err"; exit 1; }
UMOCKDEV_DIR=$(sed -n 's/^UMOCKDEV_DIR=//p' "$tmp/out")
export UMOCKDEV_DIR
export LD_PRELOAD=libumockdev-preload.so.0 ASAN_OPTIONS=verify_asan_link_order=0

fails=0
check() {   # check WHAT EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then echo "ok: $1"; else echo "FAIL: $1: expected [$2], got [$3]"; fails=$((fails + 1)); fi
}
hw() { "$SIM" --send "$sock" "state $1" | sed -n 's/^ok //p'; }
ur() { timeout 20 "$USBRELAY" "$@" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'; }

# 1. usbrelay sees what we set.
timeout 20 "$TOOL" on INTOP 2 || { echo "FAIL: gh-relay-tool on"; fails=$((fails + 1)); }
check "board after our 'on 2'" 0x02 "$(hw INTOP)"
check "usbrelay sees our relay 2 on" "INTOP_1=0 INTOP_2=1" "$(ur)"

# 2. We see what usbrelay set (and switch it off, as at every start).
timeout 20 "$USBRELAY" INTOP_1=1 >/dev/null 2>&1
check "board after usbrelay INTOP_1=1" 0x03 "$(hw INTOP)"
line=$(timeout 20 "$TOOL" list)
echo "  gh-relay-tool list: $line"
case "$line" in
    *"dcttech INTOP channels=2 state=0x00 found=0x03 status=ok"*) echo "ok: we saw usbrelay's relays 1+2 on, then switched them off";;
    *) echo "FAIL: our listing"; fails=$((fails + 1));;
esac
check "usbrelay sees all off after our start" "INTOP_1=0 INTOP_2=0" "$(ur)"

# 3. A rename by us is what usbrelay calls the board.
timeout 20 "$TOOL" rename INTOP NEWNM || { echo "FAIL: rename"; fails=$((fails + 1)); }
check "usbrelay sees the new ID" "NEWNM_1=0 NEWNM_2=0" "$(ur)"
timeout 20 "$USBRELAY" NEWNM_2=1 >/dev/null 2>&1
timeout 20 "$TOOL" off NEWNM 1 || { echo "FAIL: off"; fails=$((fails + 1)); }
check "usbrelay NEWNM_2=1, then our start + off 1: all off" "NEWNM_1=0 NEWNM_2=0" "$(ur)"
check "board after our start (all off)" 0x00 "$(hw NEWNM)"

# 4. Another process keeps the board open and sees it leave and come back
#    (hotplug across processes: the simulator's uevents reach its libusb).
timeout 30 "$TOOL" watch 8 >"$tmp/watch" 2>&1 &
wpid=$!
for _ in $(seq 100); do grep -qs '^watching' "$tmp/watch" && break; sleep 0.05; done
"$SIM" --send "$sock" "remove NEWNM" >/dev/null
for _ in $(seq 100); do grep -q '^event lost NEWNM' "$tmp/watch" && break; sleep 0.05; done
"$SIM" --send "$sock" "set NEWNM 0x3" >/dev/null
"$SIM" --send "$sock" "replug NEWNM" >/dev/null
for _ in $(seq 100); do [ "$(grep -c '^event found NEWNM' "$tmp/watch")" -ge 2 ] && break; sleep 0.05; done
kill "$wpid" 2>/dev/null; wait "$wpid" 2>/dev/null
sed 's/^/  watch: /' "$tmp/watch"
check "watcher saw the unplug" 1 "$(grep -c '^event lost NEWNM' "$tmp/watch")"
check "watcher saw the board come back" 2 "$(grep -c '^event found NEWNM' "$tmp/watch")"
check "board came back with relays on, watcher switched them off" 0x00 "$(hw NEWNM)"

# 5. SIGTERM: the simulator removes its testbed folder.
kill -TERM "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
if [ -e "$UMOCKDEV_DIR" ]; then echo "FAIL: $UMOCKDEV_DIR left behind after SIGTERM"; fails=$((fails + 1)); else echo "ok: testbed folder removed on SIGTERM"; fi

[ "$fails" -eq 0 ] && echo "PASS" || echo "$fails check(s) failed"
exit $((fails > 0))
