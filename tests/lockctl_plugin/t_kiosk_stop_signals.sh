# The kiosk stopped by SIGTERM, SIGINT or SIGHUP in the middle of a door
# pulse switches every relay off on its way out. The pulse runs on the
# script's virtual clock, so nothing but the signal can end it. Then the
# same for the headless service (--no-screen, as gatehouse.service runs it)
# with relays switched on by hand on the boards.
. "$(dirname "$0")/lib.sh"
sim_start --board dcttech:ABCDE:4 --board ftdi:FT0001:8

# kiosk_stop_with SIG: sends it, waits (bounded) for the kiosk to exit.
kiosk_stop_with() {
    kill -"$1" "$KIOSK_PID"
    local i=0
    while kill -0 "$KIOSK_PID" 2>/dev/null; do
        i=$((i + 1)); [ $i -le 100 ] || fail "kiosk still running 10 s after SIG$1"
        sleep 0.1
    done
    set +e; wait "$KIOSK_PID"; KRC=$?; set -e
    KIOSK_PID=
    exec 3>&-   # the script FIFO (already closed for the service)
}
every_relay_off() {
    [ "$(sim_state ABCDE)" = 0 ] && [ "$(sim_state FT0001)" = 0 ] ||
        fail "relays on after the kiosk stopped (${CHECK}): ABCDE=$(sim_state ABCDE) FT0001=$(sim_state FT0001)"
}

for sig in TERM INT HUP; do
    CHECK="kiosk, SIG$sig mid-pulse"
    kiosk_start "kiosk_sig$sig"
    login_unlock ann@example.com 4682
    step 'tap "Gate"' 'expect "Gate is open, Ann"'
    shot gate_open
    relay_is ABCDE 1 on
    kiosk_stop_with "$sig"
    every_relay_off
    [ "$KRC" -lt 128 ] || fail "kiosk died of the signal (exit $KRC): no clean shut-down"
    grep -q "signal .*: shutting down" "$T/kiosk.err" || fail "no shut-down line (${CHECK})"
done

# The headless service: relays on (by hand, on the boards), then the signal.
for sig in INT HUP; do
    CHECK="kiosk --no-screen, SIG$sig"
    rm -f "$T/kiosk.err"
    UMOCKDEV_DIR=$UMOCKDEV_DIR LD_PRELOAD=libumockdev-preload.so.0 \
        "$GH" --config "$T/k.conf" --no-screen 2>"$T/kiosk.err" &
    KIOSK_PID=$!
    i=0
    while ! grep -q "started (no screen)" "$T/kiosk.err" 2>/dev/null; do
        kill -0 "$KIOSK_PID" 2>/dev/null || fail "kiosk exited at start-up"
        i=$((i + 1)); [ $i -le 100 ] || fail "kiosk did not start in 10 s"
        sleep 0.1
    done
    sim set ABCDE 0x5 >/dev/null; sim set FT0001 0x81 >/dev/null
    kiosk_stop_with "$sig"
    [ "$KRC" = 0 ] || fail "exit $KRC after SIG$sig"
    every_relay_off
done
echo "PASS"
