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
