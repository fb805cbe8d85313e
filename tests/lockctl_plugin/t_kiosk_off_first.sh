# The kiosk switches every relay of every board off as the very first thing
# it does, before the configuration, the database, the screen or any
# plugin: relays left on (as by a kiosk killed with -9 mid-pulse) are off
# even when start-up then fails: a screen driver that does not exist, a
# --config file that is missing, a database that is damaged. Each run starts
# with every relay of both boards on and ends, whatever the kiosk does next,
# with every relay off and the all-off in the kiosk's log.
. "$(dirname "$0")/lib.sh"
sim_start --board dcttech:ABCDE:4 --board ftdi:FT0001:8

all_on() { sim set ABCDE 0xF >/dev/null; sim set FT0001 0xFF >/dev/null; }
# run_kiosk ENV... -- ARGS...: the kiosk with ARGS in an empty folder; waits
# (bounded) until it exits or both boards are all off, then stops it.
run_kiosk() {
    local envs=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    rm -rf "$T/cwd"; mkdir "$T/cwd"
    (cd "$T/cwd" && exec env "${envs[@]}" UMOCKDEV_DIR="$UMOCKDEV_DIR" \
        LD_PRELOAD=libumockdev-preload.so.0 "$GH" "$@" 2>"$T/kiosk.err") &
    KIOSK_PID=$!
    local i=0
    while kill -0 "$KIOSK_PID" 2>/dev/null; do
        [ "$(sim_state ABCDE)" = 0 ] && [ "$(sim_state FT0001)" = 0 ] && break
        i=$((i + 1)); [ $i -le 100 ] || break
        sleep 0.1
    done
    kill -9 "$KIOSK_PID" 2>/dev/null || true
    wait "$KIOSK_PID" 2>/dev/null || true
    KIOSK_PID=
}
every_relay_off() {
    [ "$(sim_state ABCDE)" = 0 ] && [ "$(sim_state FT0001)" = 0 ] ||
        fail "relays still on (${CHECK}): ABCDE=$(sim_state ABCDE) FT0001=$(sim_state FT0001)"
    grep -q "dcttech board ABCDE: relays 1,2,3,4 were on at start-up: switched off" \
        "$T/kiosk.err" || fail "ABCDE's all-off not in the kiosk's log (${CHECK})"
    grep -q "ftdi board FT0001: relays 1,2,3,4,5,6,7,8 were on at start-up: switched off" \
        "$T/kiosk.err" || fail "FT0001's all-off not in the kiosk's log (${CHECK})"
}

# A screen that cannot be opened (the screen comes before the plugins).
CHECK="screen driver 'nonexistent'"
all_on
run_kiosk SDL_VIDEODRIVER=nonexistent -- --config "$T/k.conf"
every_relay_off

# A --config file that is not there (a typo in the unit file).
CHECK="--config missing"
all_on
run_kiosk -- --config "$T/gatehous.conf" --no-screen
every_relay_off

# A configuration that names a damaged database.
CHECK="damaged database"
head -c 16384 /dev/zero | tr '\0' 'x' >"$T/bad.db"
sed "s|^path = .*|path = $T/bad.db|" "$T/k.conf" >"$T/bad.conf"
all_on
run_kiosk -- --config "$T/bad.conf" --no-screen
every_relay_off
grep -qi "database" "$T/kiosk.err" || fail "the damaged database was not reported"
echo "PASS"
