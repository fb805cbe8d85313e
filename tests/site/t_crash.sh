# kill -9 during a push loses nothing and doubles nothing: killed after the
# server committed but before the local queue was cleared, the next push
# inserts nothing twice; killed at random moments of a long push, every
# change still arrives exactly once.
. "$(dirname "$0")/lib.sh"

site_of_two
ok A occupant add --email ann@example.com --all
CHECK="push killed after the server's commit"
set +e
GH_SITE_TEST_KILL_AFTER_COMMIT=1 "$GHCTL" --config "$T/A.conf" site sync >"$T/out" 2>"$T/err"
RC=$?
set -e
[ "$RC" = 137 ] || fail "expected the push to be killed (137), got $RC"
before=$(psql_site "SELECT count(*) FROM site_changes")
[ "$(sql A "SELECT count(*) FROM site_queue")" -ge 1 ] || fail "the queue should still hold the push"
ok A --json site sync
after=$(psql_site "SELECT count(*) FROM site_changes")
[ "$before" = "$after" ] || fail "the repeated push inserted $((after - before)) change(s) again"
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
