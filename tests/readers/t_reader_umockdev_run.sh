# A keyboard-wedge reader exactly as TESTING.md describes: umockdev-run with
# the reader's device description (wedge-08ff-0009.umockdev), its evdev
# ioctls (wedge-08ff-0009.ioctl) and evemu events typing a card's number
# and Enter; gatehousectl reads it through libevdev.
#   `reader list`  names the reader (vendor:product, node, name) when its ID is
#                  configured, and says none is plugged in when another is;
#   `reader test`  prints the card's last 4 hex digits only, exit 0; with
#                  no card within --seconds, exit 1.
#   bash t_reader_umockdev_run.sh GATEHOUSECTL PLUGIN_DIR
set -eu
CTL=${1:?usage: $0 GATEHOUSECTL PLUGIN_DIR} PLUGDIR=$2
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/ghreader.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; for f in out err; do [ -s "$T/$f" ] && cat "$T/$f" >&2; done; exit 1; }
conf() {
    printf '[store]\npath = %s/r.db\n[plugins]\ndir = %s\nenable = lockctl\n[readers]\nkeyboard = %s\n' \
        "$T" "$PLUGDIR" "$1" >"$T/r.conf"
}
run() {  # run EVENTS ARGS...: gatehousectl under umockdev-run with the reader
    local ev=$1; shift
    set +e
    (cd "$T" && timeout 30 umockdev-run -d "$HERE/wedge-08ff-0009.umockdev" \
        -i /dev/input/event7="$HERE/wedge-08ff-0009.ioctl" ${ev:+-e /dev/input/event7="$ev"} \
        -- "$CTL" --config "$T/r.conf" "$@" >"$T/out" 2>"$T/err")
    RC=$?
    set -e
}
conf "ffff:0035, 08ff:0009"
"$CTL" --config "$T/r.conf" init >/dev/null 2>&1 || true
run "" reader list
[ $RC = 0 ] || fail "reader list: exit $RC"
grep -qF "keyboard 08ff:0009  /dev/input/event7  Sycreader RFID Technology Co., Ltd SYC ID&IC USB Reader" \
    "$T/out" || fail "reader list does not name the reader"

/usr/bin/python3 "$HERE/evemu_card.py" --at 0.5 04a1b2c3d4 >"$T/card.events"
run "$T/card.events" reader test --seconds 10
[ $RC = 0 ] || fail "reader test: exit $RC"
grep -qF "card read by 08ff:0009" "$T/out" || fail "reader test: no card read"
grep -qF ": ...c3d4" "$T/out" || fail "reader test: not the last 4 digits"
! grep -qF "04a1b2" "$T/out" || fail "reader test printed more than the last 4 digits"

conf "ffff:0035"
run "$T/card.events" reader list
grep -qF "keyboard: no reader plugged in (1 ID configured)" "$T/out" ||
    fail "another vendor:product was taken as a reader"
run "$T/card.events" reader test --seconds 2
[ $RC = 1 ] || fail "reader test of an unconfigured reader: exit $RC, want 1"
grep -qF "no card read in 2 seconds" "$T/out" || fail "no 'no card read'"
echo "PASS"
