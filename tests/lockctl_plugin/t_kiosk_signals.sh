# No door stays open because the kiosk stopped: every relay is switched off
# at start-up (a relay left on by whatever ran before) and at SIGTERM; after
# a kill -9 in the middle of a pulse the relay stays on (no board has a
# time-out: this is why) until the kiosk starts again, which switches it off.
. "$(dirname "$0")/lib.sh"
sim_start --board dcttech:ABCDE:4 --board ftdi:FT0001:8

# kiosk_service: the kiosk as a service (no screen: pollers only), started
# and waited for.
kiosk_service() {
    rm -f "$T/kiosk.err"   # not the previous kiosk's "started"
    UMOCKDEV_DIR=$UMOCKDEV_DIR LD_PRELOAD=libumockdev-preload.so.0 \
        "$GH" --config "$T/k.conf" --no-screen 2>"$T/kiosk.err" &
    KIOSK_PID=$!
    local i=0
    while ! grep -q "started (no screen)" "$T/kiosk.err" 2>/dev/null; do
        kill -0 "$KIOSK_PID" 2>/dev/null || fail "kiosk exited at start-up"
        i=$((i + 1)); [ $i -le 100 ] || fail "kiosk did not start in 10 s"
        sleep 0.1
    done
}
kiosk_stop() {  # kiosk_stop SIGNAL
    kill -"$1" "$KIOSK_PID"
    local i=0
    while kill -0 "$KIOSK_PID" 2>/dev/null; do
        i=$((i + 1)); [ $i -le 100 ] || fail "kiosk still running 10 s after SIG$1"
        sleep 0.1
    done
    set +e; wait "$KIOSK_PID"; KRC=$?; set -e
    KIOSK_PID=
}

# Start-up: relays found on are switched off.
sim set ABCDE 0xF >/dev/null; sim set FT0001 0xFF >/dev/null
kiosk_service
CHECK="start-up"; [ "$(sim_state ABCDE)" = 0 ] && [ "$(sim_state FT0001)" = 0 ] ||
    fail "relays still on after start-up: ABCDE=$(sim_state ABCDE) FT0001=$(sim_state FT0001)"
grep -q "relays 1,2,3,4 were on at start-up: switched off" "$T/kiosk.err" ||
    fail "start-up all-off not reported"

# Idle with boards present, the plugin's pollers cost next to no CPU.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
sleep 0.5
t0=$(ticks "$KIOSK_PID"); sleep 2; t1=$(ticks "$KIOSK_PID")
echo "idle kiosk with two boards: $((t1 - t0)) CPU ticks (1/100 s) in 2 s"
[ $((t1 - t0)) -le 4 ] || fail "kiosk busy while idle: $((t1 - t0)) ticks in 2 s"

# gatehousectl cannot take boards the running kiosk holds, and says why.
CHECK="relay list while the kiosk runs"; ctl relay list; rc 0
out_has "cannot be taken over: stop that program first"

# SIGTERM: relays on (by hand, on the boards) are switched off on the way out.
sim set ABCDE 0x3 >/dev/null; sim set FT0001 0x2 >/dev/null
kiosk_stop TERM
[ "$KRC" = 0 ] || fail "exit $KRC after SIGTERM"
CHECK="SIGTERM"; [ "$(sim_state ABCDE)" = 0 ] && [ "$(sim_state FT0001)" = 0 ] ||
    fail "relays still on after SIGTERM: ABCDE=$(sim_state ABCDE) FT0001=$(sim_state FT0001)"
# The boards went back to their kernel driver.
sim list | grep -q "board ABCDE .*driver=bound" || fail "ABCDE not given back to usbhid"

# kill -9 in the middle of a pulse.
kiosk_start kiosk_kill9
login_unlock ann@example.com 4682
step 'tap "Gate"' 'expect "Gate is open, Ann"'
shot gate_open
CHECK="pulse"; relay_is ABCDE 1 on
kill -9 "$KIOSK_PID"; wait "$KIOSK_PID" 2>/dev/null || true; KIOSK_PID=
exec 3>&-
CHECK="after kill -9"; relay_is ABCDE 1 on
kiosk_service
CHECK="restart after kill -9"; relay_is ABCDE 1 off
kiosk_stop TERM
echo "PASS"
