# scripts/demo-db.sh builds the demo site through gatehousectl: every state,
# doors on relays, groups, staff with PIN 2580, a verifying log.
. "$(dirname "$0")/lib.sh"

SRC=${GH_SOURCE_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)}
CHECK="demo-db.sh"
GATEHOUSECTL="$GHCTL" bash "$SRC/scripts/demo-db.sh" "$DB" >"$T/out" 2>"$T/err" || fail "demo-db.sh failed"
# Refuses to overwrite without --force.
if GATEHOUSECTL="$GHCTL" bash "$SRC/scripts/demo-db.sh" "$DB" >"$T/out" 2>"$T/err"; then
    fail "demo-db.sh overwrote an existing database"
fi
ok --json occupant list
py '{a["state"] for a in j} == {"active", "pending", "inactive", "blocked"}'
ok --json staff list
py 'any(a["perms"] == "admin" for a in j) and any(a["perms"] == "approve" for a in j)'
ok --json group list
py 'len(j) == 2'
ok --json location list
py 'sum(1 for l in j if l["door"] == "unit") >= 4 and sum(1 for l in j if l["door"] == "common") >= 2'
py 'any(l.get("shared") for l in j) and any(l.get("tenant_group") for l in j)'
py 'all(l["relay"] for l in j if l["door"])'
ok door check A101 --as alice@example.com
ok door check A101 --as facilities@harbour.example
refused door check A101 --as bob@acme.example
ok log verify
echo PASS
