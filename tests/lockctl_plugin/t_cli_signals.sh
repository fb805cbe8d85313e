# A relay never stays on because the command that switched it on was
# stopped: SIGTERM (systemd, kill), SIGINT (Ctrl-C) and SIGHUP (a dropped ssh
# session), and SIGQUIT (Ctrl-\) and SIGTSTP (Ctrl-Z), which would dump core
# or freeze the command with the door open, sent in the middle of a long
# pulse of `gatehousectl unlock` and of `gatehousectl relay test` each
# switch every relay off before the command exits (exit 1, "stopped by SIGxxx" on stderr), long before the pulse would
# have ended. Checked on the simulated boards, i.e. what the hardware shows.
. "$(dirname "$0")/lib.sh"
sim_start --board dcttech:ABCDE:4 --board ftdi:FT0001:8

# A door with a 30 s unlock time, so only the signal can end the pulse.
CHECK="location add"
ok location add "Long gate" --parent Site --door common --relay ABCDE:4 --unlock-ms 30000

# bg_ctl ARGS...: gatehousectl in the background as a simple command, so
# that $! is the program itself and signals reach it.
bg_ctl() {
    UMOCKDEV_DIR=$UMOCKDEV_DIR LD_PRELOAD=libumockdev-preload.so.0 \
        "$GHCTL" --config "$T/k.conf" "$@" >"$T/out" 2>"$T/err" </dev/null &
    PID=$!
}
# wait_on ID CHANNEL: until the simulator shows the relay on (bounded).
wait_on() {
    local i=0
    while [ $(( ($(sim_state "$1") >> ($2 - 1)) & 1 )) = 0 ]; do
        kill -0 "$PID" 2>/dev/null || fail "command ended before relay $1:$2 was on (${CHECK})"
        i=$((i + 1)); [ $i -le 200 ] || fail "relay $1:$2 not on after 10 s (${CHECK})"
        sleep 0.05
    done
}
# stop_with SIG: sends it, waits (bounded, far below the pulse time).
stop_with() {
    kill -"$1" "$PID"
    local i=0
    while kill -0 "$PID" 2>/dev/null; do
        i=$((i + 1)); [ $i -le 100 ] || fail "still running 10 s after SIG$1 (${CHECK})"
        sleep 0.1
    done
    set +e; wait "$PID"; RC=$?; set -e
}
every_relay_off() {
    [ "$(sim_state ABCDE)" = 0 ] && [ "$(sim_state FT0001)" = 0 ] ||
        fail "relays on after the command stopped (${CHECK}): ABCDE=$(sim_state ABCDE) FT0001=$(sim_state FT0001)"
}

for sig in TERM INT HUP QUIT TSTP; do
    CHECK="unlock Long gate, SIG$sig mid-pulse"
    bg_ctl unlock "Long gate" --as ann@example.com --pin 4682
    wait_on ABCDE 4
    sleep 0.3   # well into the pulse: the command waits in its loop
    stop_with "$sig"
    every_relay_off
    rc 1
    grep -qF "stopped by SIG$sig: every relay switched off" "$T/err" ||
        fail "no 'stopped by SIG$sig' line (${CHECK})"
    out_has "granted: Long gate open for 30000 ms"
    out_lacks "locked again"

    CHECK="relay test FT0001:3 --ms 60000, SIG$sig mid-pulse"
    bg_ctl relay test FT0001:3 --ms 60000
    wait_on FT0001 3
    sleep 0.3
    stop_with "$sig"
    every_relay_off
    rc 1
    grep -qF "stopped by SIG$sig: every relay switched off" "$T/err" ||
        fail "no 'stopped by SIG$sig' line (${CHECK})"
done

# The boards went back to their kernel drivers after each stop.
sim list | grep -q "board ABCDE .*driver=bound" || fail "ABCDE not given back to usbhid"
sim list | grep -q "board FT0001 .*driver=bound" || fail "FT0001 not given back to ftdi_sio"

# Unstopped, the same commands still run to the end (exit 0).
CHECK="relay test ABCDE:2 --ms 200"; ok relay test ABCDE:2 --ms 200
out_has "relay ABCDE:2 off"
every_relay_off
echo "PASS"
