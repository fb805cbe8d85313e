# Issue 11, "the log cannot be cut unnoticed": `log head` prints SEQ:HASH of
# the newest entry; `log verify --anchor SEQ:HASH` (repeatable) fails, exit
# 1, naming the anchor, when that entry is missing or different; `log
# verify` fails on an empty log, or one starting after entry 1, while the
# database holds accounts.
. "$(dirname "$0")/lib.sh"

ok init
ok occupant add --email a@example.com --name A
ok occupant add --email b@example.com --name B

# log head: SEQ:HASH of the newest entry, text and JSON
ok log head
A1=$(cat "$T/out")
LAST=$(sql "SELECT max(seq) FROM audit")
HASH=$(sql "SELECT hash FROM audit WHERE seq = $LAST")
[ "$A1" = "$LAST:$HASH" ] || fail "log head printed '$A1', not $LAST:$HASH"
ok --json log head
py "j['seq'] == $LAST and j['hash'] == '$HASH' and j['anchor'] == '$A1'"

# an anchor that holds, and two (repeatable)
ok occupant add --email c@example.com --name C
ok log head
A2=$(cat "$T/out")
ok log verify --anchor "$A1"
ok log verify --anchor "$A1" --anchor="$A2"
out_has "2 anchor(s) held"

# the newest entry cut: the chain verifies, the anchor does not
sql "DELETE FROM audit WHERE seq = ${A2%%:*}"
ok log verify
refused log verify --anchor "$A1" --anchor "$A2"
err_has "anchor $A2"
err_has "missing"
CHECK="--json log verify --anchor"; ctl --json log verify --anchor "$A2"; rc 1
py "j['ok'] is False and 'anchor' in j['message']"

# an entry rewritten (its hash changed): named as not the one anchored
sql "UPDATE audit SET hash = '$(printf 'f%.0s' $(seq 64))' WHERE seq = ${A1%%:*}"
refused log verify --anchor "$A1"

# a malformed anchor is a usage error naming it
usage log verify --anchor 12
err_has "--anchor 12"
usage log verify --anchor
usage log verify --anchor "x:$HASH"

# the whole log deleted while accounts exist
sql "DELETE FROM audit"
refused log verify
err_has "#1"
err_has "empty"
ok log head
out_has "0:0000000000000000000000000000000000000000000000000000000000000000"

# a log whose first entries were removed
rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.key"
ok init
ok occupant add --email a@example.com --name A
ok occupant add --email b@example.com --name B
sql "DELETE FROM audit WHERE seq <= 2"
refused log verify
err_has "#1"

# a fresh database with no accounts: an empty log is fine
rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.key"
ok init
sql "DELETE FROM audit"
ok log verify
ok log head
ok log verify --anchor "$(cat "$T/out")"
echo PASS
