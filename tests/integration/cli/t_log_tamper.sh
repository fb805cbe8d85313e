# SPEC "Activity log": log verify finds the first entry that was changed,
# removed or reordered, and exits 1 naming it.
. "$(dirname "$0")/lib.sh"

build() {
    rm -f "$DB" "$DB-wal" "$DB-shm"
    ok init
    ok location add Site
    ok location add Gate --parent Site --door common
    ok occupant add --email a@example.com --name A --all
    ok occupant add --email b@example.com --name B --all
    ok settings set kiosk_name Lobby
    ok log verify
}
# seq of the Nth entry (1-based) in the table
nth() { sql "SELECT seq FROM audit ORDER BY seq LIMIT 1 OFFSET $(($1 - 1))"; }

# 1. An entry's content changed.
build
S3=$(nth 3)
sql "UPDATE audit SET reason = reason || ' (edited)' WHERE seq = $S3"
refused log verify
err_has "#$S3"

# 2. An actor rewritten without touching the hashes.
build
S2=$(nth 2)
sql "UPDATE audit SET actor = 'someone-else' WHERE seq = $S2"
refused log verify
err_has "#$S2"

# 3. An entry removed: the one after the gap no longer chains.
build
S3=$(nth 3); S4=$(nth 4)
sql "DELETE FROM audit WHERE seq = $S3"
refused log verify
grep -qE "#($S3|$S4)\b" "$T/err" || fail "removal not named at #$S3/#$S4"

# 4. Two entries swapped (content and hashes moved together).
build
S3=$(nth 3); S4=$(nth 4)
sql "BEGIN;
     CREATE TEMP TABLE t AS SELECT * FROM audit WHERE seq IN ($S3, $S4);
     DELETE FROM audit WHERE seq IN ($S3, $S4);
     INSERT INTO audit SELECT $S3, at, actor, action, target, outcome, reason, prev_hash, hash, hash_version FROM t WHERE seq = $S4;
     INSERT INTO audit SELECT $S4, at, actor, action, target, outcome, reason, prev_hash, hash, hash_version FROM t WHERE seq = $S3;
     COMMIT;"
[ "$(sql "SELECT count(*) FROM audit WHERE seq IN ($S3, $S4)")" = 2 ] || fail "swap did not apply"
refused log verify
err_has "#$S3"

# 5. The newest entry removed: the chain still verifies (nothing after it
# to break), so log verify prints the head hash for the operator to keep
# elsewhere; after the cut it is a different one.
build
ok --json log verify
HEAD1=$("$PY" -c 'import json,sys; print(json.load(sys.stdin)["head"])' <"$T/out")
[ ${#HEAD1} = 64 ] || fail "no head hash in log verify"
LAST=$(sql "SELECT max(seq) FROM audit")
sql "DELETE FROM audit WHERE seq = $LAST"
ctl --json log verify
[ "$RC" = 1 ] || py "j['head'] != '$HEAD1'"

# JSON form names it too.
build
S2=$(nth 2)
sql "UPDATE audit SET target = 'x' WHERE seq = $S2"
CHECK="--json log verify"; ctl --json log verify; rc 1
py "j['ok'] is False and j['first_bad'] == $S2"
echo PASS
