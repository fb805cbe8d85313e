# Issue 11: `restore` refuses (exit 1, with the reason) a backup whose log
# does not verify, including an emptied one, and a backup whose schema is
# not exactly what this version's migrations create (an added trigger is
# named); `backup FILE` writes the site key as FILE.key (0600) and `restore`
# needs it, refuses another database's key, and puts it beside the database.
. "$(dirname "$0")/lib.sh"

ok init
ok occupant add --email a@example.com --name A
ok backup "$T/good.db"
out_has "site key written: $T/good.db.key"
[ "$(stat -c %a "$T/good.db.key")" = 600 ] || fail "good.db.key is not mode 0600"
cmp -s "$DB.key" "$T/good.db.key" || fail "good.db.key is not the database's key"
ok --json backup "$T/good.db"
py "j['key_file'] == '$T/good.db.key'"
ok occupant add --email later@example.com --name Later

# variant NAME: a copy of the good backup (with its key) to tamper with
variant() { cp "$T/good.db" "$T/$1.db"; cp "$T/good.db.key" "$T/$1.db.key"; }
unchanged() {
    ok occupant list
    out_has later@example.com
    [ ! -e "$DB.pre-restore" ] || fail "a refused restore wrote $DB.pre-restore"
}

# 1. an added trigger that would escalate on the next action
variant trig
sqlite3 -batch "$T/trig.db" "CREATE TRIGGER t AFTER INSERT ON audit BEGIN UPDATE accounts SET perms=63; END"
refused restore "$T/trig.db"
err_has "trigger t is not part of Gatehouse"
unchanged

# 2. a column added to a table
variant col
sqlite3 -batch "$T/col.db" "ALTER TABLE accounts ADD COLUMN x TEXT"
refused restore "$T/col.db"
err_has "table accounts differs"
unchanged

# 3. the log emptied
variant empty
sqlite3 -batch "$T/empty.db" "DELETE FROM audit"
refused restore "$T/empty.db"
err_has "empty"
unchanged

# 4. the log starting after entry 1
variant start
sqlite3 -batch "$T/start.db" "DELETE FROM audit WHERE seq = 1"
refused restore "$T/start.db"
err_has "entry 1"
unchanged

# 5. the key missing, or another database's
variant nokey
rm "$T/nokey.db.key"
refused restore "$T/nokey.db"
err_has "nokey.db.key is missing"
unchanged
variant otherkey
head -c 32 /dev/urandom >"$T/otherkey.db.key"
refused restore "$T/otherkey.db"
err_has "is not this database's"
unchanged

# 6. the good backup restores, with its key, over a database with another key
head -c 32 /dev/urandom >"$DB.key"
cp "$DB.key" "$T/own.key"
ok restore "$T/good.db"
out_has "site key restored as $DB.key"
cmp -s "$DB.key" "$T/good.db.key" || fail "the backup's key was not restored"
cmp -s "$DB.pre-restore.key" "$T/own.key" || fail "the replaced database's key was not kept"
[ "$(stat -c %a "$DB.key")" = 600 ] || fail "the restored key is not mode 0600"
ok log verify
ok occupant list
out_lacks later@example.com
# no key or copy left in the temporary folders
ls "$T" | grep -q 'restore-' && fail "a temporary restore copy was left behind"

# 7. cutting the newest entries can only be caught with an anchor
ok log head
ANCHOR=$(cat "$T/out")
ok backup "$T/cut.db"
sqlite3 -batch "$T/cut.db" "DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)"
ok restore "$T/cut.db"
refused log verify --anchor "$ANCHOR"
err_has "anchor $ANCHOR"
echo PASS
