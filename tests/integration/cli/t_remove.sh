# Removing a person (issue 16): `occupant remove WHO [--force]` vacates
# their units, voids their codes, cancels their mail and erases their name,
# email, phone and sign-up details; the row stays as "removed occupant #N",
# which can't log in, open a door or be changed, and the database file
# (and its WAL) holds none of their personal data afterwards, its activity
# log included: entries name accounts by id only (issue 16; see
# docs/operations.md "Who an entry names").
. "$(dirname "$0")/lib.sh"

EMAIL=hana.zq@example.org NAME="Hana Zebrowski-Quell" PHONE="+1 555 010 9999"
E164=+15550109999 ORG="Quellcorp Ltd" UNIT=B202-hz

small_site
ok staff add --email appr@example.com --pin 2580 --perms approve,manage
ok occupant signup --email "$EMAIL" --name "$NAME" --phone "$PHONE" --org "$ORG" --unit "$UNIT"
ok --json occupant show "$EMAIL"
ID=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$T/out")
ok occupant approve "$EMAIL"
ok occupant access "$EMAIL" --all
ok unit rent "Unit 1" --occupant "$EMAIL"
ok unit share "Unit 1" on
ok door-code issue "$EMAIL"
ok occupant resend-welcome "$EMAIL"
ok occupant add --email other@example.com --name "Other Person" --all
sql "SELECT count(*) FROM outbox WHERE state = 'queued' AND account_id = $ID" | grep -qv '^0$' ||
    fail "expected queued mail for the person before removal"

# Refusals: they rent a unit (without --force), staff, unknown WHO.
refused occupant remove "$EMAIL"
err_has "--force"; err_has "Unit 1"
[ "$(sql "SELECT email FROM accounts WHERE id = $ID")" = "$EMAIL" ] || fail "refusal changed the account"
refused occupant remove appr@example.com
err_has "staff"
refused occupant remove nobody@example.com
usage occupant remove
usage occupant remove "$EMAIL" --bogus

BEFORE=$(sql "SELECT max(seq) FROM audit")
ok occupant remove "$EMAIL" --force
out_has "removed occupant #$ID"
out_lacks "$EMAIL"

# The row stays, as "removed occupant #N", and nothing can change it.
ok --json occupant show "$ID"
py "j['state'] == 'removed' and j['email'] == '' and j['name'] == 'removed occupant #$ID'"
py "j['phone'] in ('', None) and j['access'] == 'none'"
refused occupant set-state "$ID" active
err_has "removed"
refused occupant access "$ID" --all
refused occupant resend-welcome "$ID"
refused occupant remove "$ID" --force
err_has "already removed"
usage occupant set-state "$ID" removed
CHECK="door check Gate --as $ID"; ctl door check Gate --as "$ID"; rc 1
[ "$(sql "SELECT count(*) FROM locations WHERE tenant_account = $ID")" = 0 ] || fail "unit still rented"
[ "$(sql "SELECT shared FROM locations WHERE name = 'Unit 1'")" = 0 ] || fail "unit still shared"
for t in door_codes setup_codes auth_failures account_locations; do
    [ "$(sql "SELECT count(*) FROM $t WHERE account_id = $ID")" = 0 ] || fail "$t still has rows"
done
[ "$(sql "SELECT count(*) FROM outbox WHERE account_id = $ID AND state = 'queued'")" = 0 ] ||
    fail "mail still queued to the removed person"
# The other occupant is untouched.
ok occupant show other@example.com
out_has "Other Person"

# The log: one removal entry, by id.
[ "$(sql "SELECT count(*) FROM audit WHERE seq > $BEFORE AND action = 'account.remove' AND outcome = 'ok'")" = 1 ] ||
    fail "no account.remove entry"
ok log verify

# No personal data anywhere: every table, the activity log included (its
# entries name accounts by id only, issue 16), and the raw bytes of the
# database file and its WAL. Nothing tolerated.
"$PY" - "$DB" "$EMAIL" "$NAME" "$E164" "${PHONE#+}" "$ORG" "$UNIT" <<'PYEOF' || fail "personal data left behind"
import os, sqlite3, sys
db, needles = sys.argv[1], [n.lower() for n in sys.argv[2:]]
c = sqlite3.connect(db)
bad = []
tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
for t in tables:
    cols = [r[1] for r in c.execute(f'PRAGMA table_info("{t}")')]
    for row in c.execute(f'SELECT rowid, * FROM "{t}"'):
        for col, v in zip(["rowid"] + cols, row):
            v = str(v).lower() if v is not None else ""
            bad += [f"{t}.{col} (row {row[0]}) holds {n!r}" for n in needles if n in v]
c.close()
for path in (db, db + "-wal"):
    if os.path.exists(path):
        data = open(path, "rb").read().lower()
        bad += [f"{os.path.basename(path)}: {n!r} {data.count(n.encode())} time(s)"
                for n in needles if n.encode() in data]
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
PYEOF

# `log` shows every entry about them as "removed occupant #N", the sign-up
# included, and names them nowhere.
ok log --account "$ID" --limit 0
out_has "removed occupant #$ID"
out_lacks "$EMAIL"; out_lacks "Hana"; out_lacks "Quellcorp"
ok log --limit 0
out_lacks "$EMAIL"; out_lacks "Zebrowski"

# Their email and phone are free for a new sign-up.
ok occupant signup --email "$EMAIL" --name "$NAME" --phone "$PHONE"
ok --json occupant show "$EMAIL"
py "j['id'] != $ID"
echo ok
