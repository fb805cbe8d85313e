# cards_lib.sh: what the card tests add to lib.sh (issue 13). A card tap on
# a keyboard-wedge reader is a reader plugged into the simulator's testbed
# with one card's keys queued as evemu events (tests/readers/evemu_card.py):
# the kiosk's reader thread finds it (hotplug scan, 1 s), libevdev reads the
# keys, and the kiosk's poller acts on the card; the reader is then
# left plugged in (umockdev's uevents go to every listener's queue of 10:
# a plug and an unplug a card would fill them faster than they drain).
READERS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../readers" && pwd)
CARD_N=0 PLUGGED=
readers_conf() { printf '[readers]\nkeyboard = 08ff:0009\n' >>"$T/k.conf"; }
# readers_up: returns once the kiosk's keyboard-reader thread has opened
# (its "watching for" note is in the kiosk's log). The thread runs in real
# time and the kiosk on its virtual clock: without this a script that
# reaches the Cards screen fast (or a thread slow under load) would see
# "keyboard: starting" where it expects what the reader thread found.
readers_up() {
    local i=0
    while ! grep -q "keyboard readers: watching for" "$T/kiosk.err"; do
        step 'sleep 100' 'wait 20'; shot "_up$i"
        i=$((i + 1)); [ $i -le 100 ] || fail "the keyboard-reader thread did not start in ~10 s"
    done
}
# kiosk_entries: activity-log entries by the kiosk so far.
kiosk_entries() {
    "$GHCTL" --config "$T/k.conf" log --limit 100000 >"$T/log.out" 2>&1 || fail "log"
    grep -c . "$T/log.out" || true
}
# card_tap UID [VID:PID]: the card is read; returns once the kiosk has
# acted on it (a new activity-log entry), the kiosk's screen settled.
card_tap() {
    local ids=${2:-08ff:0009} before ans i=0 node
    CARD_N=$((CARD_N + 1))
    /usr/bin/python3 "$READERS/evemu_card.py" --at 0.2 "$1" >"$T/card$CARD_N.events"
    before=$(kiosk_entries)
    ans=$(sim reader plug "$ids" "$T/card$CARD_N.events") || fail "reader plug: $ans"
    node=${ans##*/event}
    while :; do
        step 'sleep 100' 'wait 10'
        shot "_card${CARD_N}_$i"
        [ "$(kiosk_entries)" -gt "$before" ] && break
        i=$((i + 1)); [ $i -le 80 ] || fail "card $1 not acted on within ~10 s"
    done
    step 'wait 20'
    LAST_NODE=$node PLUGGED="$PLUGGED $node"
}
# readers_unplug_all: every reader plugged so far leaves (between kiosk runs:
# a new kiosk opening an old reader would see its card typed again).
readers_unplug_all() {
    local n
    for n in $PLUGGED; do sim reader unplug "$n" >/dev/null || true; done
    PLUGGED=
}
# card_tap_quiet UID: as card_tap for a read that writes no log entry
# (enrolment logs card.add itself; a give-up writes nothing): waits MS.
card_tap_for() {
    CARD_N=$((CARD_N + 1))
    /usr/bin/python3 "$READERS/evemu_card.py" --at 0.2 "$1" >"$T/card$CARD_N.events"
    local ans; ans=$(sim reader plug "${2:-08ff:0009}" "$T/card$CARD_N.events") ||
        fail "reader plug: $ans"
    local i=0
    while [ $i -lt 25 ]; do step 'sleep 100' 'wait 10'; i=$((i + 1)); done
    shot "_cardfor$CARD_N"
    sim reader unplug "${ans##*/event}" >/dev/null || fail "reader unplug"
}

# ---- PC/SC: a real pcscd with the vpcd driver, our own virtual card -------
# pcscd's socket is /run/pcscd/pcscd.comm whatever we do (Debian's pcscd
# takes no other), so these tests hold the ctest resource lock "pcscd";
# vpcd listens on VPCD_PORT (our reader.conf.d, not the system's 35963).
VPCD_PORT=40001 PCSCD_PID=
pcsc_start() {
    if pgrep -x pcscd >/dev/null; then fail "another pcscd is running (stop it first)"; fi
    mkdir -p "$T/reader.conf.d"
    printf 'FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x%X\n%s\nCHANNELID    0x%X\n' \
        $VPCD_PORT "LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so" $VPCD_PORT \
        >"$T/reader.conf.d/vpcd"
    # 3>&-: not the kiosk's script FIFO, or the kiosk never sees its end.
    pcscd -f -c "$T/reader.conf.d" >>"$T/pcscd.log" 2>&1 3>&- &
    PCSCD_PID=$!
    local i=0
    until [ -S /run/pcscd/pcscd.comm ] && ss -ltn | grep -q ":$VPCD_PORT "; do
        kill -0 "$PCSCD_PID" 2>/dev/null || fail "pcscd did not start: $(tail -3 "$T/pcscd.log")"
        i=$((i + 1)); [ $i -le 100 ] || fail "pcscd not ready in 10 s"
        sleep 0.1
    done
}
pcsc_stop() {
    [ -z "$PCSCD_PID" ] && return 0
    kill "$PCSCD_PID" 2>/dev/null || true
    wait "$PCSCD_PID" 2>/dev/null || true
    PCSCD_PID=
}
# pcsc_tap UID: the virtual card is held to the reader until the kiosk acted
# on it (a new activity-log entry), then taken away.
pcsc_tap() {
    local before i=0 vpid
    before=$(kiosk_entries)
    /usr/bin/python3 "$READERS/vcard.py" --port $VPCD_PORT --uid "$1" --hold 20 \
        >"$T/vcard.out" 2>&1 3>&- &
    vpid=$!
    while :; do
        step 'sleep 100' 'wait 10'
        shot "_pcsc_$i"
        [ "$(kiosk_entries)" -gt "$before" ] && break
        i=$((i + 1)); [ $i -le 80 ] || { kill $vpid; fail "card $1 (PC/SC) not acted on"; }
    done
    kill $vpid 2>/dev/null || true
    wait $vpid 2>/dev/null || true
    step 'wait 20'
}
