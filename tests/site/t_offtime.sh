# The log and the digest say how long each kiosk was offline (issue 20): a
# kiosk that loses the server logs "site.offline" once; back, it logs
# "site.online" with the time away, and the period travels to the other
# kiosks, whose daily digest gives it per kiosk (one kiosk still offline
# counted up to now). The clock is moved with GH_CLOCK_OFFSET_S.
. "$(dirname "$0")/lib.sh"

site_of_two
ok A settings set digest_to office@example.com
ok A site sync
ok B site sync
pg_stop
refused A site sync
refused A site sync
ok A --json log --limit 10
"$PY" - "$T/out" <<'PYEOF' || fail "A logged going offline once: $(cat "$T/out")"
import json, sys
j = json.load(open(sys.argv[1]))
off = [e for e in j if e["action"] == "site.offline"]
sys.exit(0 if len(off) == 1 and off[0]["target"] == "A" and "can't be reached" in off[0]["reason"] else 1)
PYEOF
# 12 minutes and a half later the server is back.
export GH_CLOCK_OFFSET_S=750
pg_start
ok A site sync
ok A --json log --limit 10
"$PY" - "$T/out" <<'PYEOF' || fail "A logged coming back after 12 min: $(cat "$T/out")"
import json, sys
j = json.load(open(sys.argv[1]))
on = [e for e in j if e["action"] == "site.online"]
sys.exit(0 if len(on) == 1 and "after 12 min offline" in on[0]["reason"] else 1)
PYEOF
ok A --json site status
py 'j["queued"] == 0 and j["offline_since_ms"] == 0'
ok B site sync
[ "$(sql B "SELECT count(*) FROM site_offline WHERE kiosk = 'A' AND until_ms - since_ms >= 720000")" = 1 ] ||
    fail "A's offline period did not reach B"
# B's digest: A away 12 min, B none.
ok B log digest
ok B --json outbox list
MID=$("$PY" -c 'import json,sys; print(max(m["id"] for m in json.load(open(sys.argv[1])) if m["to"] == "office@example.com"))' "$T/out")
ok B outbox show "$MID"
out_has "Time offline since the previous digest, per kiosk: A 12 min; B none"
# B goes offline for an hour and a quarter, and its next digest says so,
# still offline now; A's period is before that digest, so not counted again.
pg_stop
refused B site sync
export GH_CLOCK_OFFSET_S=5250
ok B log digest
ok B --json outbox list
MID=$("$PY" -c 'import json,sys; print(max(m["id"] for m in json.load(open(sys.argv[1])) if m["to"] == "office@example.com"))' "$T/out")
ok B outbox show "$MID"
out_has "per kiosk: A none; B 1 h 15 min (offline now, since"
echo "ok"
