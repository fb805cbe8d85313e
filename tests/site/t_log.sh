# One log: each kiosk's entries reach the server with their own chain, the
# server adds a site chain in arrival order, `site log verify` checks both
# and names what an edited row broke.
. "$(dirname "$0")/lib.sh"

site_of_two
ok A occupant add --email ann@example.com --all
ok A site sync
ok B site sync
ok B occupant set-state ann@example.com blocked
ok B site sync
ok A site sync
ok A site log verify
out_has "2 kiosk(s)"
a=$(sql A "SELECT count(*) FROM audit"); b=$(sql B "SELECT count(*) FROM audit")
n=$(psql_site "SELECT count(*) FROM site_log")
[ "$n" -ge $((a + b - 4)) ] && [ "$n" -le $((a + b)) ] || fail "site log has $n entries, kiosks $a + $b"
# A repeated push adds nothing.
ok A site sync
[ "$(psql_site "SELECT count(*) - count(DISTINCT site_seq) FROM site_log")" = 0 ] || fail "dup"
# An edited entry (blocked made ok) is caught, naming the kiosk.
psql_site "UPDATE site_log SET entry = jsonb_set(entry, '{outcome}', '\"refused\"') WHERE kiosk = 'B' AND seq = (SELECT max(seq) FROM site_log WHERE kiosk = 'B')"
refused A site log verify
err_has "kiosk B"
psql_site "UPDATE site_log SET entry = jsonb_set(entry, '{outcome}', '\"ok\"') WHERE kiosk = 'B' AND seq = (SELECT max(seq) FROM site_log WHERE kiosk = 'B')"
ok A site log verify
# A removed entry breaks the site chain.
psql_site "DELETE FROM site_log WHERE site_seq = 2"
refused A site log verify
err_has "site chain"
echo "ok"
