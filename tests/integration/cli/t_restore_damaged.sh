# t_restore_damaged.sh: `gatehousectl restore FILE` works when the current
# database is damaged (a bad header, or corrupt pages) or missing: restore
# needs no working live database. The damaged file is kept, byte for byte,
# as <db>.pre-restore; a bad backup is still refused and then leaves the
# damaged file alone.
. "$(dirname "$0")/lib.sh"

# head16 FILE: the first 16 bytes as hex.
head16() { od -An -tx1 -N16 "$1" | tr -d ' \n'; }
SQLITE_MAGIC=53514c69746520666f726d6174203300   # "SQLite format 3\0"

ok init
ok occupant add --email before@example.com --name Before
ok backup "$T/good.db"
ok occupant add --email after@example.com --name After

# ---- 1. a damaged header: not a database any more -------------------------
[ ! -e "$DB-wal" ] || sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
printf 'XXXXXXXXXXXXXXXX' | dd of="$DB" bs=1 seek=0 count=16 conv=notrunc status=none
CHECK="occupant list on the damaged database"; ctl occupant list; rc 1
damaged_head=$(head16 "$DB")
[ "$damaged_head" != "$SQLITE_MAGIC" ] || fail "the header was not damaged"

# A bad backup is refused and the damaged database stays as it was.
printf 'not a database at all, just some text that is long enough......' >"$T/junk.db"
refused restore "$T/junk.db"
[ "$(head16 "$DB")" = "$damaged_head" ] || fail "a refused restore changed the damaged database"
[ ! -e "$DB.pre-restore" ] || fail "a refused restore wrote $DB.pre-restore"

ok restore "$T/good.db"
out_has "database restored from"
out_has "$DB.pre-restore"
ok occupant list
out_has before@example.com
out_lacks after@example.com
ok log verify
ok --json log --limit 0
py 'any(e["action"] == "store.restore" and e["outcome"] == "ok" for e in j)'
[ "$(head16 "$DB")" = "$SQLITE_MAGIC" ] || fail "the restored database has no SQLite header"
[ "$(head16 "$DB.pre-restore")" = "$damaged_head" ] \
    || fail "$DB.pre-restore is not the damaged file's bytes"
[ "$(stat -c %a "$DB.pre-restore")" = 600 ] || fail "$DB.pre-restore is not mode 0600"

# ---- 2. corrupt pages behind a good header --------------------------------
ok occupant add --email later@example.com
ok backup "$T/good2.db"
[ ! -e "$DB-wal" ] || sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
pagesize=$(sql "PRAGMA page_size")
npages=$(( $(stat -c %s "$DB") / pagesize ))
[ "$npages" -ge 3 ] || fail "test database too small ($npages pages)"
# Page 2 onwards (b-tree pages) overwritten; page 1 keeps the header.
head -c $(( (npages - 1) * pagesize )) /dev/zero | tr '\0' '\377' \
    | dd of="$DB" bs="$pagesize" seek=1 conv=notrunc status=none
CHECK="integrity of the damaged database"
[ "$(sqlite3 -batch "$DB" "PRAGMA quick_check" 2>&1 | head -1)" != ok ] \
    || fail "the pages were not damaged"
ok restore "$T/good2.db"
ok occupant list
out_has later@example.com
ok log verify

# ---- 3. no database at all ------------------------------------------------
rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.pre-restore"
ok restore "$T/good.db"
ok occupant list
out_has before@example.com
[ ! -e "$DB.pre-restore" ] || fail "a restore with no database wrote $DB.pre-restore"
ok log verify
echo "PASS"
