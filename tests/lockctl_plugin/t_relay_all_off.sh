# `gatehousectl relay all-off` needs no configuration and no database: with
# no config at all, with $GATEHOUSE_CONFIG or --config naming a missing file,
# with a config that does not parse, and with no database anywhere, it finds
# both boards (one dcttech, one FTDI) on the bus and switches every relay
# off, exit 0. A board it cannot switch off (read-backs that disagree, writes
# that stall) is named on stderr, exit 1, and the other board is still
# switched off; boards the running kiosk holds are named too. It creates no
# file.
. "$(dirname "$0")/lib.sh"
sim_start --board dcttech:ABCDE:4 --board ftdi:FT0001:8

all_on() { sim set ABCDE 0xF >/dev/null; sim set FT0001 0xFF >/dev/null; }
all_off_is() {
    [ "$(sim_state ABCDE)" = 0 ] && [ "$(sim_state FT0001)" = 0 ] ||
        fail "relays still on (${CHECK:-}): ABCDE=$(sim_state ABCDE) FT0001=$(sim_state FT0001)"
}
# all_off ENV... -- ARGS...: `gatehousectl ARGS relay all-off` in an empty
# folder with only ENV (plus the simulator's); output in $T/out, $T/err.
mkdir "$T/empty"
all_off() {
    local envs=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    set +e
    (cd "$T/empty" && env -u GATEHOUSE_CONFIG "${envs[@]}" UMOCKDEV_DIR="$UMOCKDEV_DIR" \
        LD_PRELOAD=libumockdev-preload.so.0 "$GHCTL" "$@" relay all-off >"$T/out" 2>"$T/err")
    RC=$?
    set -e
    ! grep -qE "Sanitizer|runtime error:" "$T/err" || fail "sanitizer report (${CHECK:-})"
}
printf 'not = an ini [file\n[store\npath\n' >"$T/broken.conf"

for variant in none env-missing config-missing config-broken db-missing; do
    CHECK="relay all-off, config: $variant"
    all_on
    case $variant in
        none) all_off -- ;;
        env-missing) all_off GATEHOUSE_CONFIG="$T/missing.conf" -- ;;
        config-missing) all_off -- --config "$T/missing.conf" ;;
        config-broken) all_off -- --config "$T/broken.conf" ;;
        db-missing) all_off -- --config "$T/k.conf" --db "$T/missing.db" ;;
    esac
    rc 0
    all_off_is
    out_has "dcttech board ABCDE: 4 relays off (on before: 1 2 3 4)"
    out_has "ftdi board FT0001: 8 relays off (on before: 1 2 3 4 5 6 7 8)"
    [ -z "$(ls -A "$T/empty")" ] || fail "relay all-off created files: $(ls -A "$T/empty")"
    [ ! -e "$T/missing.db" ] || fail "relay all-off created a database"
done

# Already off: nothing to report but the boards, still exit 0.
CHECK="relay all-off, nothing on"; all_off --; rc 0; all_off_is
out_has "dcttech board ABCDE: 4 relays off"
out_lacks "on before"

# The boards went back to their kernel drivers (usbrelay, ftdi_sio work again).
sim list | grep -q "board ABCDE .*driver=bound" || fail "ABCDE not given back to usbhid"
sim list | grep -q "board FT0001 .*driver=bound" || fail "FT0001 not given back to ftdi_sio"

# A board whose read-backs keep showing relay 1 on: named, exit 1; the other
# board is switched off all the same.
all_on
sim badread ABCDE 10 0x1 >/dev/null
CHECK="relay all-off, ABCDE reads back wrong"; all_off --; rc 1
grep -qF "dcttech board ABCDE: NOT switched off: read-back" "$T/err" ||
    fail "ABCDE not named as failed (${CHECK})"
grep -qF "1 board(s) could not be switched off" "$T/err" || fail "no summary line (${CHECK})"
[ "$(sim_state FT0001)" = 0 ] || fail "FT0001 left on when ABCDE failed"
sim badread ABCDE 0 0 >/dev/null

# A board whose relay commands stall (it cannot even be taken over): named
# by its USB serial, exit 1; ABCDE is switched off.
all_on
sim stall FT0001 50 >/dev/null
CHECK="relay all-off, FT0001 stalls"; all_off --; rc 1
grep -qF "ftdi board FT0001: NOT switched off" "$T/err" || fail "FT0001 not named (${CHECK})"
[ "$(sim_state ABCDE)" = 0 ] || fail "ABCDE left on when FT0001 failed"
sim stall FT0001 0 >/dev/null

# Boards held by the running kiosk cannot be reached: both named, exit 1,
# with what to do (the kiosk switches them off itself when it stops). A
# dcttech board's ID is read through the interface the kiosk holds, so that
# one is named by where it is on USB; an FTDI board's serial is its ID.
UMOCKDEV_DIR=$UMOCKDEV_DIR LD_PRELOAD=libumockdev-preload.so.0 \
    "$GH" --config "$T/k.conf" --no-screen 2>"$T/kiosk.err" &
KIOSK_PID=$!
i=0
while ! grep -q "started (no screen)" "$T/kiosk.err" 2>/dev/null; do
    kill -0 "$KIOSK_PID" 2>/dev/null || fail "kiosk exited at start-up"
    i=$((i + 1)); [ $i -le 100 ] || fail "kiosk did not start in 10 s"
    sleep 0.1
done
CHECK="relay all-off while the kiosk holds the boards"; all_off --; rc 1
for b in "dcttech board USB " "ftdi board FT0001"; do
    grep -F "$b" "$T/err" | grep -F "NOT switched off" | grep -qF "such as the running kiosk" ||
        fail "$b not named as held by another program (${CHECK})"
done
kill -TERM "$KIOSK_PID"; wait "$KIOSK_PID" || fail "kiosk exit $? after SIGTERM"; KIOSK_PID=

# No board at all: said, exit 0.
sim remove ABCDE >/dev/null; sim remove FT0001 >/dev/null
CHECK="relay all-off, no boards"; all_off --; rc 0
out_has "no relay boards found"

# It is a documented command: --help lists it, and it has its own --help.
CHECK="gatehousectl --help"; all_off -- --help; rc 0
out_has "relay all-off"
set +e; "$GHCTL" relay all-off --help >"$T/out" 2>"$T/err"; RC=$?; set -e
CHECK="relay all-off --help"; rc 0; out_has "usage: gatehousectl relay all-off"
set +e; "$GHCTL" relay all-off now >"$T/out" 2>"$T/err"; RC=$?; set -e
CHECK="relay all-off now"; rc 2
echo "PASS"
