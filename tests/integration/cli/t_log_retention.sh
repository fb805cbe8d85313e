# Issue 16, the activity log end to end through gatehousectl:
# - new entries name accounts by id only; `log` shows current names and
#   emails, "removed occupant #N" once removed; --json keeps what is stored
#   and adds *_shown;
# - log_retention_days: refused when negative or not a number, naming the
#   setting; `log prune` replaces old entries with one checkpoint; `log
#   verify` verifies from it; an entry edited after it is still caught; an
#   anchor older than it says "before the retention window" (exit 0), one at
#   the checkpoint still holds.
. "$(dirname "$0")/lib.sh"

# 40 days ago: the database made, a sign-up and an approval, and an
# anchor taken then.
export GH_CLOCK_OFFSET_S=$((-40 * 86400))
ok init
ok staff add --email boss@example.com --name "Bea Boss" --pin 2580 --perms approve,manage,admin
ok occupant signup --email hana@example.org --name "Hana Z" --phone "+1 555 010 4444" \
    --org "Quellcorp" --unit "B202"
ok log head
OLD=$(cat "$T/out")
ok occupant approve hana@example.org
ok --json occupant show hana@example.org
ID=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$T/out")
ok log head
CP_ANCHOR=$(cat "$T/out")
export GH_CLOCK_OFFSET_S=0
ok occupant add --email olga@example.org --name "Olga Q"
ok --json occupant show olga@example.org
OLGA=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$T/out")

# Stored by id: no name, email, phone or sign-up detail in any entry.
for n in hana@example.org "Hana Z" 5550104444 Quellcorp B202 olga@ boss@; do
    [ "$(sql "SELECT count(*) FROM audit WHERE instr(lower(actor || target || reason), lower('$n')) > 0")" = 0 ] ||
        fail "an entry stores '$n'"
done
[ "$(sql "SELECT count(*) FROM audit WHERE action = 'account.signup' AND target = 'occupant:$ID'")" = 1 ] ||
    fail "the sign-up entry does not name occupant:$ID"
# Shown with the current names, by id and by the account filter.
ok log --limit 0
out_has "occupant:$ID (Hana Z, hana@example.org)"
out_has "occupant:$OLGA (Olga Q, olga@example.org)"
ok --json log --account hana@example.org
py "all(e['target'] == 'occupant:$ID' for e in j if e['action'] == 'account.signup')"
py "any('(Hana Z, hana@example.org)' in e['target_shown'] for e in j)"
# Removed: shown as "removed occupant #N", the log still verifies.
ok occupant remove hana@example.org
ok log --limit 0
out_has "removed occupant #$ID"
out_lacks "hana@example.org"
ok log verify

# The setting: refused when negative or not a number, naming it.
usage settings set log_retention_days -1        # read as an option: a usage error
refused settings set log_retention_days -- -1
err_has "log_retention_days: must be a whole number from 0 to 36500"
refused settings set log_retention_days thirty
err_has "log_retention_days"
ok settings show
grep -qE '^log_retention_days +0$' "$T/out" || fail "log_retention_days is not 0 after refusals"
# 0 (the default) keeps everything.
BEFORE=$(sql "SELECT count(*) FROM audit")
ok log prune
out_has "keep everything"
[ "$(sql "SELECT count(*) FROM audit")" = "$BEFORE" ] || fail "log prune with 0 pruned"
usage log prune --days -3
usage log prune --days x

ok settings set log_retention_days 30
CP=${CP_ANCHOR%%:*}
ok log prune
out_has "entries older than 30 days pruned"
[ "$(sql "SELECT min(seq) FROM audit")" = "$CP" ] || fail "the log does not start at entry $CP"
[ "$(sql "SELECT action FROM audit WHERE seq = $CP")" = log.checkpoint ] || fail "no checkpoint"
ok log verify --anchor "$CP_ANCHOR"
out_has "pruned up to entry $CP"
out_has "1 anchor(s) held"
ok log verify --anchor "$OLD"
out_has "before the retention window"
out_lacks "tampered"
ok --json log verify --anchor "$OLD"
py "j['ok'] and j['checkpoint'] == $CP and j['anchors_before_retention'] == 1"
# Pruning again: nothing older left.
ok log prune
out_has "nothing to prune"

# An entry edited after the checkpoint is still caught; so is the checkpoint.
NEXT=$((CP + 1))
sql "UPDATE audit SET reason = reason || ' (edited)' WHERE seq = $NEXT"
refused log verify
err_has "first bad entry #$NEXT"
sql "UPDATE audit SET reason = replace(reason, ' (edited)', '') WHERE seq = $NEXT"
ok log verify
sql "UPDATE audit SET reason = 'nothing pruned here' WHERE seq = $CP"
refused log verify
err_has "checkpoint"
echo ok
