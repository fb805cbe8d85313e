# `gatehousectl unlock DOOR --code CODE` (issue 12): a personal door code does
# what the kiosk does. A right code for someone allowed there: the relay on,
# then off after the door's unlock time. A wrong, revoked, blocked account's
# code, one for a door the owner may not open, or any code while the
# throttle runs: "denied: <reason>", exit 1, nothing reaches any board.
# `log --door` / `log --account` then show who opened what.
. "$(dirname "$0")/lib.sh"
sim_start --board dcttech:ABCDE:4 --board ftdi:FT0001:8

CHECK="door-code issue ann"; ok door-code issue ann@example.com
ANN=$(cat "$T/out")
[ ${#ANN} = 8 ] || fail "ann's code is not 8 digits: '$ANN'"
ok --json door-code issue bob@example.com
BOB=$(sed -n 's/^{"code": "\([0-9]*\)"}$/\1/p' "$T/out")
[ ${#BOB} = 8 ] || fail "--json: no {\"code\": \"…\"}: $(cat "$T/out")"
CHECK="door-code issue pen"; ctl door-code issue pen@example.com; rc 1
grep -q "waiting for approval" "$T/err" || fail "pending: the rule in words"
ok --json occupant show ann@example.com
grep -qF '"door_code":true' "$T/out" || fail "occupant show: door_code true"
! grep -qF "$ANN" "$T/out" || fail "occupant show printed the code"

# Right code: on, then off, and the command returns only then. The on is
# seen from the simulator while the command runs; on a machine so loaded
# that no poll falls inside the 300 ms pulse, the board's transfer count
# (the on and the off, each with its read-back) stands in for it.
t0=$(sim_relay_transfers ABCDE)
UMOCKDEV_DIR=$UMOCKDEV_DIR LD_PRELOAD=libumockdev-preload.so.0 \
    "$GHCTL" --config "$T/k.conf" unlock Gate --code "$ANN" >"$T/out" 2>"$T/err" &
pid=$!
seen_on=0 i=0
while kill -0 $pid 2>/dev/null; do
    s=$(sim_state ABCDE)
    [ $((s & 1)) = 1 ] && seen_on=1
    i=$((i + 1)); [ $i -le 200 ] || fail "unlock still running after 20 s"
    sleep 0.05
done
set +e; wait $pid; RC=$?; set -e
CHECK="unlock Gate --code ann"; rc 0
t1=$(sim_relay_transfers ABCDE)
[ $seen_on = 1 ] || [ $((t1 - t0)) -ge 2 ] ||
    fail "relay ABCDE:1 never seen on during the pulse, and no on/off transfers ($t0 -> $t1)"
relay_is ABCDE 1 off
out_has "granted: Gate open for 300 ms"
out_has "Gate locked again"

# --code - reads it from stdin.
set +e
printf '%s\n' "$BOB" | under_sim "$GHCTL" --config "$T/k.conf" unlock Gate --code - \
    >"$T/out" 2>"$T/err"
RC=$?; set -e
CHECK="unlock --code -"; rc 0

# Denials: nothing reaches the board.
before_a=$(sim_relay_transfers ABCDE) before_f=$(sim_relay_transfers FT0001)
CHECK="ann at bob's unit"; ctl unlock "Unit 2" --code "$ANN"; rc 1
out_has "denied: this unit is rented to someone else"
WRONG=$( [ "$ANN" = 90817263 ] && echo 90817264 || echo 90817263 )
CHECK="wrong code"; ctl unlock Gate --code "$WRONG"; rc 1
out_has "denied: That code is not right."
ok door-code revoke ann@example.com
CHECK="revoked code"; ctl unlock Gate --code "$ANN"; rc 1
out_has "denied: That code is not right."
ok occupant set-state bob@example.com blocked
CHECK="blocked account's code"; ctl unlock Gate --code "$BOB"; rc 1
out_has "denied: That code is not right."
log_has doorcode.void "blocked"
[ "$(sim_relay_transfers ABCDE)" = "$before_a" ] || fail "a denied unlock reached board ABCDE"
[ "$(sim_relay_transfers FT0001)" = "$before_f" ] || fail "a denied unlock reached board FT0001"

# Throttled: that was 3 wrong codes; 2 more start it, then a right code is
# refused too, with the time left, and nothing reaches the board.
ok door-code issue ann@example.com
ANN=$(cat "$T/out")
for i in 1 2; do CHECK="wrong $i"; ctl unlock Gate --code "$WRONG"; rc 1; done
CHECK="right code while throttled"; ctl unlock Gate --code "$ANN"; rc 1
out_has "denied: Too many wrong codes. Try again in"
[ "$(sim_relay_transfers ABCDE)" = "$before_a" ] || fail "a throttled unlock reached board ABCDE"
log_has throttle.start "5 wrong door codes within 10 min"

# Who opened what.
ok log --door Gate
grep -q 'door.unlock.*occupant:1 (.*ann@example.com): allowed' "$T/out" || fail "log --door Gate lacks ann's unlock"
! grep -q 'doorcode.issue' "$T/out" || fail "log --door Gate shows another door's entries"
ok --json log --account ann@example.com
grep -q '"action":"door.unlock"' "$T/out" || fail "log --account ann lacks her unlock"
grep -q '"action":"doorcode.issue"' "$T/out" || fail "log --account ann lacks her door code"
! grep -q 'bob@example.com' "$T/out" || fail "log --account ann shows bob's entries"

# No code anywhere in the log, the database or its WAL.
"$GHCTL" --config "$T/k.conf" log --limit 0 >"$T/log.out" 2>&1 || fail "log"
for c in "$ANN" "$BOB"; do
    ! grep -qF "$c" "$T/log.out" || fail "the activity log holds a code"
    for f in "$T/k.db" "$T/k.db-wal"; do
        [ -e "$f" ] || continue
        ! grep -qaF "$c" "$f" || fail "$f holds a code"
    done
done

# Usage.
CHECK="unlock --code with --as"; ctl unlock Gate --code "$ANN" --as ann@example.com; rc 2
echo "PASS"
