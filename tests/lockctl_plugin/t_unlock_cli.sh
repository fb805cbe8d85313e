# `gatehousectl unlock`: the kiosk's decision, pulse and log. Granted: the
# relay is on, then off again after the door's unlock time in real time, and
# the command returns only then (exit 0). Denied: "denied: <reason>", exit 1,
# and no transfer reaches any board. A wrong PIN is a denial too.
. "$(dirname "$0")/lib.sh"
sim_start --board dcttech:ABCDE:4 --board ftdi:FT0001:8

# Granted, watched from the simulator while the command runs: on a door
# with a 3 s unlock time, so that sampling the board from the shell (a
# process per sample) cannot miss the pulse on a busy machine.
CHECK="location add"
ok location add "Slow gate" --parent Site --door common --relay ABCDE:4 --unlock-ms 3000
UMOCKDEV_DIR=$UMOCKDEV_DIR LD_PRELOAD=libumockdev-preload.so.0 \
    "$GHCTL" --config "$T/k.conf" unlock "Slow gate" --as ann@example.com --pin 4682 >"$T/out" 2>"$T/err" &
pid=$!
seen_on=0 i=0
while kill -0 $pid 2>/dev/null; do
    s=$(sim_state ABCDE)
    [ $((s & 8)) = 8 ] && seen_on=1
    i=$((i + 1)); [ $i -le 200 ] || fail "unlock still running after 20 s"
    sleep 0.05
done
set +e; wait $pid; RC=$?; set -e
CHECK="unlock Slow gate --as ann"; rc 0
[ $seen_on = 1 ] || fail "relay ABCDE:4 never seen on during the pulse"
relay_is ABCDE 4 off
out_has "granted: Slow gate open for 3000 ms"
out_has "Slow gate locked again"
log_has door.unlock "ann@example.com): allowed"   # occupant:1, shown with her email (issue 16)

# The pulse lasts the door's unlock time (300 ms), measured around the command.
t0=$(date +%s%N)
ok unlock "Unit 1" --as ann@example.com --pin 4682
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
[ $ms -ge 300 ] || fail "unlock returned after $ms ms, before the 300 ms unlock time"
relay_is FT0001 2 off

# --pin - reads it from stdin.
set +e
printf '4682\n' | under_sim "$GHCTL" --config "$T/k.conf" unlock Gate --as bob@example.com --pin - \
    >"$T/out" 2>"$T/err"
RC=$?; set -e
CHECK="unlock --pin -"; rc 0

# Denied: nothing reaches the board.
before_a=$(sim_relay_transfers ABCDE) before_f=$(sim_relay_transfers FT0001)
CHECK="unlock Unit 1 --as bob"; ctl unlock "Unit 1" --as bob@example.com --pin 4682; rc 1
grep -q '^denied: ' "$T/out" || fail "no 'denied: <reason>' line"
out_has "someone else"
CHECK="unlock Gate --as dee"; ctl unlock Gate --as dee@example.com --pin 4682; rc 1
grep -q '^denied: ' "$T/out" || fail "no 'denied: <reason>' line"
CHECK="unlock Gate wrong PIN"; ctl unlock Gate --as ann@example.com --pin 1111; rc 1
grep -q '^denied: ' "$T/out" || fail "wrong PIN: no 'denied:' line"
CHECK="unlock Gate --as pen"; ctl unlock Gate --as pen@example.com --pin 4682; rc 1
grep -qi '^denied: .*approv' "$T/out" || fail "pending: reason should mention approval"
[ "$(sim_relay_transfers ABCDE)" = "$before_a" ] || fail "a denied unlock reached board ABCDE"
[ "$(sim_relay_transfers FT0001)" = "$before_f" ] || fail "a denied unlock reached board FT0001"
log_has door.unlock "someone else"

# Granted, but the board is not there: exit 1, logged as relay.failed.
CHECK="unlock Back door"; ctl unlock "Back door" --as ann@example.com --pin 4682; rc 1
out_has "relay failed"
log_has relay.failed "GONE1:1 door Back door"

# Usage.
CHECK="unlock usage"; ctl unlock Gate --as ann@example.com; rc 2
echo "PASS"
