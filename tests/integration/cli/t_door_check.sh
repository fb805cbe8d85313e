# SPEC "Doors, units and who may open them", through `door check`:
# "allowed" exit 0, or "denied: <reason>" exit 1; no relay, no log entry.
. "$(dirname "$0")/lib.sh"

small_site
ok group add Acme --all
ok occupant add --email ann@example.com --all
ok occupant add --email bob@example.com --all
ok occupant add --email cy@example.com --group Acme
ok occupant add --email dee@example.com --locations "Unit 3"
ok occupant signup --email pen@example.com
ok staff add --email common@example.com --pin 2580 --perms open_common
ok staff add --email vacant@example.com --pin 2580 --perms open_vacant
ok staff add --email shared@example.com --pin 2580 --perms open_shared
ok staff add --email appr@example.com --pin 2580 --perms approve
ok staff add --email admin@example.com --pin 2580 --perms admin
ok unit rent "Unit 1" --occupant ann@example.com
ok unit rent "Unit 2" --group Acme
BEFORE=$(log_count)

allowed() { CHECK="door check $1 --as $2"; ctl door check "$1" --as "$2"; rc 0; out_has "allowed"; }
denied() {
    CHECK="door check $1 --as $2"; ctl door check "$1" --as "$2"; rc 1
    grep -q '^denied: ' "$T/out" || fail "no 'denied: <reason>' line"
    [ -z "${3:-}" ] || grep -qiE -- "$3" "$T/out" || fail "reason should mention /$3/"
}

allowed Gate ann@example.com
allowed "Unit 1" ann@example.com
denied "Unit 1" bob@example.com "someone else"
denied "Unit 3" bob@example.com "rent|yours|vacant"
allowed "Unit 2" cy@example.com
denied "Unit 1" cy@example.com "someone else"
denied Gate dee@example.com "access|location"
denied Gate pen@example.com "approv"
ok occupant set-state bob@example.com blocked
denied Gate bob@example.com "block"
ok occupant set-state ann@example.com inactive
denied "Unit 1" ann@example.com "inactive|active"
ok occupant set-state ann@example.com active
allowed "Unit 1" ann@example.com

allowed Gate common@example.com
denied Gate appr@example.com "permission"
denied "Unit 3" common@example.com "permission"
allowed "Unit 3" vacant@example.com
denied "Unit 1" shared@example.com "share"
ok unit share "Unit 1" on
allowed "Unit 1" shared@example.com
denied "Unit 1" vacant@example.com "permission|share|rented"
allowed "Unit 1" admin@example.com
ok unit share "Unit 1" off
denied "Unit 1" admin@example.com "share"
# A location that is not a door.
denied "Building A" admin@example.com ""

# Archiving the group takes its access away (confirmation first).
refused group archive Acme
err_has "--force"; err_has "1 member"
allowed "Unit 2" cy@example.com
ok group archive Acme --force
denied "Unit 2" cy@example.com ""

# Only the commands that changed something were logged.
AFTER=$(log_count)
[ "$AFTER" -gt "$BEFORE" ] || fail "state changes were not logged"
N=$(sql "SELECT count(*) FROM audit WHERE action LIKE 'door.%'")
[ "$N" = 0 ] || fail "door check wrote $N log entries"
echo PASS
