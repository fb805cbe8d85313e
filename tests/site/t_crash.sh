# kill -9 during a push loses nothing and doubles nothing: killed after the
# server committed but before the local queue was cleared, the next push
# inserts nothing twice; killed at random moments of a long push, every
# change still arrives exactly once.
#
# The worst moment is made from outside, with nothing in the program for
# it: a second process holds A's SQLite write lock, so the push can read
# its queue and commit on the server but then waits to clear the queue; the
# test sees the change numbered on the server and kills the push (-9).
. "$(dirname "$0")/lib.sh"

site_of_two
ok A occupant add --email ann@example.com --all
CHECK="push killed after the server's commit"
before=$(psql_site "SELECT count(*) FROM site_changes")
"$PY" - "$T/A.db" "$T/locked" "$T/release" <<'PYEOF' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")           # the write lock; readers go on (WAL)
open(sys.argv[2], "w").close()
while not os.path.exists(sys.argv[3]):
    time.sleep(0.01)
db.execute("ROLLBACK")
PYEOF
locker=$!
for _ in $(seq 500); do [ -e "$T/locked" ] && break; sleep 0.01; done
[ -e "$T/locked" ] || fail "the lock holder did not start"
"$GHCTL" --config "$T/A.conf" site sync >"$T/out" 2>"$T/err" </dev/null &
pid=$!
committed=0
for _ in $(seq 200); do
    [ "$(psql_site "SELECT count(*) FROM site_changes")" -gt "$before" ] && { committed=1; break; }
    kill -0 $pid 2>/dev/null || break
    sleep 0.02
done
kill -9 $pid 2>/dev/null || true
set +e; wait $pid; RC=$?; set -e
touch "$T/release"; wait $locker
[ "$committed" = 1 ] || fail "the push did not reach the server's commit"
[ "$RC" = 137 ] || fail "expected the push to be killed waiting for the local queue (137), got $RC"
after_kill=$(psql_site "SELECT count(*) FROM site_changes")
[ "$(sql A "SELECT count(*) FROM site_queue")" -ge 1 ] || fail "the queue should still hold the push"
ok A --json site sync
after=$(psql_site "SELECT count(*) FROM site_changes")
[ "$after_kill" = "$after" ] || fail "the repeated push inserted $((after - after_kill)) change(s) again"
[ "$(sql A "SELECT count(*) FROM site_queue")" = 0 ] || fail "the queue was not cleared"

# Random kill -9 during a push of 3000 changes.
"$PY" - "$T/people.csv" <<'PYEOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("email,name,phone,unit\n")
    for i in range(1500):
        f.write(f"p{i}@example.com,Person {i},,\n")
PYEOF
ok A import "$T/people.csv" --no-welcome
for delay in 0.05 0.2 0.4; do
    "$GHCTL" --config "$T/A.conf" site sync >/dev/null 2>&1 &
    pid=$!
    sleep $delay
    kill -9 $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
done
ok A site sync
ok B site sync
[ "$(sql A "SELECT count(*) FROM site_queue")" = 0 ] || fail "A's queue was not emptied"
n=$(psql_site "SELECT count(*) FROM site_rows WHERE tbl = 'accounts'")
a=$(sql A "SELECT count(*) FROM accounts"); b=$(sql B "SELECT count(*) FROM accounts")
[ "$n" = "$a" ] && [ "$a" = "$b" ] || fail "accounts: server $n, A $a, B $b"
[ "$(psql_site "SELECT count(*) - count(DISTINCT change_id) FROM site_changes")" = 0 ] ||
    fail "a change was numbered twice"
[ "$(sql B "SELECT count(*) FROM accounts WHERE email_key LIKE 'p%@example.com'")" = 1500 ] ||
    fail "B lacks some imported people"
echo "ok"
