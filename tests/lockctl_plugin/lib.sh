# lib.sh: what the lock control plugin's tests share. Sourced by each t_*.sh,
# which ctest runs as
#   bash t_x.sh GATEHOUSE GATEHOUSECTL GH_RELAY_SIM MKDB PLUGIN_DIR SHOTS_DIR
#
# Each test gets its own folder, database (lockctl_mkdb's site) and relay
# simulator server (gh-relay-sim, boards dcttech ABCDE with 4 relays and FTDI
# FT0001 with 8), started and stopped by pid. The programs under test run as
# separate processes, as in production, with the real libusb under
# libumockdev-preload and the simulator's UMOCKDEV_DIR; the shell itself and
# its tools run without the preload. Checks read the boards' state from the
# simulator, i.e. what the hardware would show.
#
# The kiosk runs headless on its virtual clock with its --script read from a
# FIFO: the test writes a few lines, waits for the `shot` that ends them
# (the PNG appears only after every earlier line ran), then asks the
# simulator what the relays do, and goes on. Every wait is bounded.
set -eu
trap '' PIPE   # a kiosk that died must fail the test, not kill the shell

GH=${1:?usage: $0 GATEHOUSE GATEHOUSECTL SIM MKDB PLUGIN_DIR SHOTS_DIR}
GHCTL=$2 SIM=$3 MKDB=$4 PLUGDIR=$5 SHOTS=$6
T=$(mktemp -d "${TMPDIR:-/tmp}/ghlock.XXXXXX")
SIM_PID= KIOSK_PID=
cleanup() {
    [ -z "$KIOSK_PID" ] || kill -9 "$KIOSK_PID" 2>/dev/null || true
    [ -z "$SIM_PID" ] || { kill "$SIM_PID" 2>/dev/null; wait "$SIM_PID" 2>/dev/null; } || true
    rm -rf "$T"
}
trap cleanup EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:exitcode=86"
mkdir -p "$SHOTS"

fail() {
    echo "FAIL: $*" >&2
    for f in out err kiosk.err sim.out; do
        [ -s "$T/$f" ] && { echo "--- $f:" >&2; tail -n 30 "$T/$f" >&2; }
    done
    exit 1
}

# ---- the simulator ---------------------------------------------------------
sim_start() {  # sim_start [--board FAMILY:ID:N]...
    "$SIM" --socket "$T/sim.sock" "$@" >"$T/sim.out" 2>&1 &
    SIM_PID=$!
    local i=0
    while ! grep -q '^ready' "$T/sim.out" 2>/dev/null; do
        i=$((i + 1)); [ $i -le 100 ] || fail "simulator did not start"
        sleep 0.1
    done
    UMOCKDEV_DIR=$(sed -n 's/^UMOCKDEV_DIR=//p' "$T/sim.out")
}
# sim CMD...: one simulator command; its answer on stdout.
sim() { "$SIM" --send "$T/sim.sock" "$*"; }
# sim_state ID: the board's relay bitmask as a number.
sim_state() {
    local a; a=$(sim state "$1") || fail "sim state $1: $a"
    printf '%d' "$(echo "$a" | sed -n 's/^ok //p')"
}
# relay_is ID CHANNEL on|off
relay_is() {
    local s; s=$(sim_state "$1")
    local bit=$(( (s >> ($2 - 1)) & 1 ))
    case $3 in
        on) [ $bit = 1 ] || fail "relay $1:$2 should be on (state $s) ${CHECK:-}" ;;
        off) [ $bit = 0 ] || fail "relay $1:$2 should be off (state $s) ${CHECK:-}" ;;
    esac
}
# sim_relay_transfers ID: relay-protocol transfers the board has seen.
sim_relay_transfers() { sim counts "$1" | sed -n 's/.*relay=\([0-9]*\).*/\1/p'; }

# ---- database and programs -------------------------------------------------
"$MKDB" "$T/k.db" || fail "lockctl_mkdb"
cat >"$T/k.conf" <<CONF
[store]
path = $T/k.db
[plugins]
dir = $PLUGDIR
enable = lockctl
[screen]
width = 1080
height = 1920
CONF

# under_sim CMD...: runs CMD as a client of the simulator.
under_sim() {
    UMOCKDEV_DIR=$UMOCKDEV_DIR LD_PRELOAD=libumockdev-preload.so.0 "$@"
}
# ctl ARGS...: gatehousectl; stdout in $T/out, stderr in $T/err, exit in $RC.
ctl() {
    set +e
    under_sim "$GHCTL" --config "$T/k.conf" "$@" >"$T/out" 2>"$T/err" </dev/null
    RC=$?
    set -e
    [ "$RC" != 86 ] && ! grep -qE "Sanitizer|runtime error:" "$T/err" ||
        fail "sanitizer report (${CHECK:-$*})"
}
rc() { [ "$RC" = "$1" ] || fail "expected exit $1, got $RC (${CHECK:-})"; }
ok() { CHECK="$*"; ctl "$@"; rc 0; }
out_has() { grep -qF -- "$1" "$T/out" || fail "stdout lacks '$1' (${CHECK:-})"; }
out_lacks() { ! grep -qF -- "$1" "$T/out" || fail "stdout has '$1' (${CHECK:-})"; }
# log_has ACTION TEXT: the newest 50 activity-log entries have ACTION with TEXT.
log_has() {
    "$GHCTL" --config "$T/k.conf" log --limit 50 >"$T/log.out" 2>&1 || fail "log"
    grep -F -- "$1" "$T/log.out" | grep -qF -- "$2" ||
        { cat "$T/log.out" >&2; fail "activity log lacks $1 ... $2"; }
}
log_count() {
    "$GHCTL" --config "$T/k.conf" log >"$T/log.out" 2>&1 || fail "log"
    grep -cF -- "$1" "$T/log.out" || true
}

# ---- the kiosk on a FIFO script ---------------------------------------------
# kiosk_start NAME [ARGS...]: starts the headless kiosk reading its script
# from a FIFO, screenshots into $SHOTS/NAME; returns once its start-up (all
# relays off included) is done.
kiosk_start() {
    KSHOTS=$SHOTS/$1; shift
    mkdir -p "$KSHOTS"; rm -f "$KSHOTS"/*.png
    rm -f "$T/fifo" "$T/kiosk.err"; mkfifo "$T/fifo"
    # A simple command, so that $! is the kiosk itself (signals reach it).
    UMOCKDEV_DIR=$UMOCKDEV_DIR LD_PRELOAD=libumockdev-preload.so.0 \
        "$GH" --config "$T/k.conf" --headless --script "$T/fifo" --shots "$KSHOTS" "$@" \
        2>"$T/kiosk.err" &
    KIOSK_PID=$!
    exec 3<>"$T/fifo"
    SYNC=0
    step "shot _start"; sync_on _start
}
# step LINE...: script lines for the kiosk (run in order).
step() { for l in "$@"; do printf '%s\n' "$l" >&3 || fail "kiosk gone before: $l"; done; }
# sync_on NAME: waits until the kiosk wrote NAME.png (every line before ran).
sync_on() {
    local i=0
    while [ ! -s "$KSHOTS/$1.png" ]; do
        kill -0 "$KIOSK_PID" 2>/dev/null || fail "kiosk exited before shot $1"
        i=$((i + 1)); [ $i -le 300 ] || fail "kiosk did not reach shot $1 in 30 s"
        sleep 0.1
    done
}
# shot NAME: a screenshot that is also a sync point.
shot() { step "shot $1"; sync_on "$1"; }
# kiosk_end: end of script; the kiosk must exit 0 (every expect held).
kiosk_end() {
    exec 3>&-
    local i=0
    while kill -0 "$KIOSK_PID" 2>/dev/null; do
        i=$((i + 1)); [ $i -le 300 ] || fail "kiosk still running 30 s after its script ended"
        sleep 0.1
    done
    set +e; wait "$KIOSK_PID"; local krc=$?; set -e
    KIOSK_PID=
    [ "$krc" = 0 ] || fail "kiosk exit $krc (a script step failed)"
    ! grep -qE "Sanitizer|runtime error:" "$T/kiosk.err" || fail "sanitizer report in the kiosk"
    rm -f "$KSHOTS"/_*.png
}
# login_unlock WHO PIN: from home to the door list (the door-code pad's
# "Use email and PIN instead" link).
login_unlock() {
    step 'tap "Unlock"' 'screen lockctl.code' 'tap #lockctl.code.pin' 'screen lockctl.login' \
         'tap #lockctl.who' "type \"$1\"" 'tap #lockctl.pin' "type \"$2\"" \
         'tap #lockctl.login.go'
}
# code_keys CODE: types CODE on the door-code keypad, one tap a digit.
code_keys() {
    local c=$1 i
    for ((i = 0; i < ${#c}; i++)); do step "tap #lockctl.key.${c:i:1}"; done
}
# door_code WHO: issues (or replaces) WHO's door code through the core and
# prints it; door_code_revoke WHO voids it.
door_code() { "$MKDB" --code "$T/k.db" "$1" || fail "door code for $1"; }
door_code_revoke() { "$MKDB" --revoke "$T/k.db" "$1" >/dev/null || fail "revoke $1"; }
# door_kiosk NAME: the kiosk's configuration names its door (a door kiosk).
door_kiosk() { printf '[kiosk]\ndoor = %s\n' "$1" >>"$T/k.conf"; }
