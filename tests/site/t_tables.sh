# Every table a kiosk needs travels (migration 0016): a card registered at A
# opens the gate at B after a sync, and removed at B stops working at A; a
# request filed at A is seen and answered at B, and A sees the answer; a
# unit overlocked at A refuses its tenant at B and lifted at B opens again
# at A. The doors are real: the lock control plugin pulses relays of the
# gh-relay-sim boards (umockdev), as in tests/lockctl_plugin.
#   t_tables.sh GATEHOUSECTL GH_RELAY_SIM PLUGIN_DIR
. "$(dirname "$0")/lib.sh"
SIM=${2:?gh-relay-sim} PLUGDIR=${3:?plugin folder}
[ -f "$PLUGDIR/lockctl.so" ] && [ -f "$PLUGDIR/requests.so" ] ||
    { echo "SKIP: needs the lockctl and requests plugins" >&2; exit 77; }
command -v umockdev-run >/dev/null 2>&1 || [ -e /usr/lib/x86_64-linux-gnu/libumockdev-preload.so.0 ] ||
    { echo "SKIP: needs umockdev" >&2; exit 77; }

"$SIM" --socket "$T/sim.sock" --board dcttech:ABCDE:4 >"$T/sim.out" 2>&1 &
SIM_PID=$!
trap 'kill "$SIM_PID" 2>/dev/null || true; cleanup' EXIT
i=0
while ! grep -q '^ready' "$T/sim.out" 2>/dev/null; do
    i=$((i + 1)); [ $i -le 100 ] || fail "simulator did not start"; sleep 0.1
done
UMOCKDEV_DIR=$(sed -n 's/^UMOCKDEV_DIR=//p' "$T/sim.out")
transfers() { "$SIM" --send "$T/sim.sock" "counts ABCDE" | sed -n 's/.*relay=\([0-9]*\).*/\1/p'; }
# at_sim NAME ARGS...: as at, as a client of the simulated boards.
at_sim() {
    local k=$1; shift
    set +e
    UMOCKDEV_DIR=$UMOCKDEV_DIR LD_PRELOAD=libumockdev-preload.so.0 \
        "$GHCTL" --config "$T/$k.conf" "$@" >"$T/out" 2>"$T/err" </dev/null
    RC=$?
    set -e
}
# opens NAME DOOR --card UID|--code CODE: the door pulses.
opens() { CHECK="$1: unlock $2 $3 $4"; at_sim "$1" unlock "$2" "$3" "$4"; rc 0; out_has "granted: $2"; }
# shut NAME DOOR --card UID|--code CODE SENTENCE: refused, the board untouched.
shut() {
    CHECK="$1: unlock $2 $3 $4"; local before; before=$(transfers)
    at_sim "$1" unlock "$2" "$3" "$4"; rc 1; out_has "denied: $5"
    [ "$(transfers)" = "$before" ] || fail "a refused unlock reached the board ($CHECK)"
}
with_plugins() {
    kiosk "$1"
    printf '[plugins]\ndir = %s\nenable = lockctl, requests\n' "$PLUGDIR" >>"$T/$1.conf"
}

with_plugins A; with_plugins B
ok A init
ok A location add Site
ok A location add Gate --parent Site --door common --relay ABCDE:1
ok A location add "Unit 1" --parent Site --door unit --relay ABCDE:2
ok A occupant add --email ann@example.com --name Ann --all
ok A unit rent "Unit 1" --occupant ann@example.com
ok A occupant add --email bob@example.com --name Bob --all
ok A site init
ok A site join
ok B init
cp "$T/A.db.key" "$T/B.db.key.in"
ok B site join --key "$T/B.db.key.in"
out_has "loaded"

# Cards: added at A, they open at B; removed at B, refused at A.
CARD=04:A1:B2:C3:D4
ok A card add ann@example.com "$CARD"
shut B Gate --card "$CARD" "This card is not registered."
ok A site sync
ok B site sync
opens B Gate --card 04a1b2c3d4
ok B card remove "$CARD"
opens A Gate --card "$CARD"
ok B site sync
ok A site sync
shut A Gate --card "$CARD" "This card is not registered."
[ "$(sql A 'SELECT count(*) FROM cards')" = 0 ] || fail "the card is still in A's database"

# Requests: filed at A, seen and answered at B, the answer back at A.
ok A request add --as ann@example.com --location "Unit 1" --subject "Leaking tap" --text "Kitchen"
ok A site sync
ok B site sync
ok B --json request list
py 'len(j) == 1 and j[0]["subject"] == "Leaking tap"'
RID=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' "$T/out")
ok B request reply "$RID" --text "A plumber comes on Monday"
ok B site sync
ok A site sync
ok A --json request list
py 'j[0]["state"] == "answered"'
RID=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' "$T/out")
ok A request show "$RID"
out_has "A plumber comes on Monday"

# Overlock: set at A, it holds at B (the unit refuses Ann, the gate opens);
# lifted at B, Ann's unit opens at A again.
SENTENCE="Your unit is locked for an overdue balance; please see the office."
ok A door-code issue ann@example.com
CODE=$(head -n 1 "$T/out")
ok A unit overlock "Unit 1" on
ok A site sync
ok B site sync
shut B "Unit 1" --code "$CODE" "$SENTENCE"
opens B Gate --code "$CODE"
ok B unit overlock "Unit 1" off
shut A "Unit 1" --code "$CODE" "$SENTENCE"
ok B site sync
ok A site sync
opens A "Unit 1" --code "$CODE"
ok A site sync
ok A --json site status
py 'j["queued"] == 0 and j["conflicts"] == 0'
echo "ok"
