# bench_site.sh: site sync speed on loopback (issue 20), on a throw-away
# PostgreSQL cluster (tests/site/lib.sh).
#   bash bench/site/bench_site.sh build/kiosk/gatehousectl [ROUNDS]
# 1. Revocation: kiosk B blocks/unblocks a person and pushes; kiosk A's
#    program (its sync thread, pulling on NOTIFY) applies it. Latency = the
#    end of A's applying SQLite commit (the time the thread logs right after
#    it returns, a debug line "changes up to N committed at T ms") minus the
#    server's commit time of the change (pg_xact_commit_timestamp; the
#    cluster runs with track_commit_timestamp = on). Same clock, loopback.
# 2. Catch-up: A offline while B makes 10,000 changes; then `site sync` at A
#    (one process: start, connect, pull and apply 10,000 changes).
. "$(dirname "$0")/../../tests/site/lib.sh"
ROUNDS=${2:-30}
site_of_two
ok A occupant add --email ann@example.com --all
ok A site sync; ok B site sync
mkdir "$T/plugins"; printf '[plugins]\ndir = %s\n' "$T/plugins" >>"$T/A.conf"
GATEHOUSE_DEBUG=1 "$(dirname "$GHCTL")/gatehouse" --config "$T/A.conf" --no-screen \
    >"$T/kiosk.log" 2>&1 &
KPID=$!
trap 'kill $KPID 2>/dev/null || true; wait $KPID 2>/dev/null || true; cleanup' EXIT
sleep 2
: >"$T/lat"
state=blocked
for i in $(seq "$ROUNDS"); do
    ok B occupant set-state ann@example.com $state
    ok B site sync
    for _ in $(seq 500); do
        [ "$(sql A "SELECT state FROM accounts WHERE email_key = 'ann@example.com'")" = $state ] && break
        sleep 0.01
    done
    row=$(psql_site "SELECT num, (extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000)::bigint FROM site_changes WHERE tbl = 'accounts' ORDER BY num DESC LIMIT 1")
    num=${row%%|*}; srv=${row##*|}
    loc=$(sed -n 's/.*site sync: changes up to \([0-9]*\) committed at \([0-9]*\) ms.*/\1 \2/p' "$T/kiosk.log" |
          awk -v n="$num" '$1 >= n { print $2; exit }')
    [ -n "$loc" ] || { echo "no commit logged for change $num" >&2; exit 1; }
    echo $((loc - srv)) >>"$T/lat"
    [ $state = blocked ] && state=active || state=blocked
done
"$PY" - "$T/lat" <<'PY'
import statistics, sys
v = sorted(int(x) for x in open(sys.argv[1]))
print(f"revocation server->kiosk SQLite: median {statistics.median(v)} ms, "
      f"p90 {v[(len(v) - 1) * 9 // 10]} ms, max {v[-1]} ms, n={len(v)} (ms resolution)")
PY
kill $KPID; wait $KPID 2>/dev/null || true
"$PY" - "$T/people.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("email,name,phone,unit\n")
    for i in range(10000):
        f.write(f"p{i}@example.com,Person {i},,\n")
PY
ok B import "$T/people.csv" --no-welcome
ok B --json site sync
n=$(psql_site "SELECT count(*) FROM site_changes WHERE num > $(sql A 'SELECT last_num FROM site_state')")
t0=$(date +%s%N)
ok A --json site sync
t1=$(date +%s%N)
echo "catch-up: $n changes in $(( (t1 - t0) / 1000000 )) ms (gatehousectl site sync, whole process); $(cat "$T/out")"
