# While cut off: the same email signed up at A and at B makes one account
# on both afterwards (the first to reach the server wins) and one conflict,
# reported at the kiosk whose copy was withdrawn; a block made at A wins
# over B's concurrent change to the same person; the same card registered at
# A for Ann and at B for Bob stays Ann's (A reached the server first) and is
# a second conflict at B.
. "$(dirname "$0")/lib.sh"

site_of_two
ok A occupant add --email ann@example.com --all
ok A occupant add --email bob@example.com --all
ok A site sync
ok B site sync
pg_stop
ok A occupant signup --email zed@example.com --name "Zed at A"
ok B occupant signup --email Zed@Example.com --name "Zed at B"
ok A card add ann@example.com 0badcafe
ok B card add bob@example.com 0B:AD:CA:FE
ok A occupant set-state ann@example.com blocked
ok B occupant set-state ann@example.com inactive
ok B occupant set-state ann@example.com active
pg_start
ok A site sync
ok B site sync
ok A site sync
ok B site sync
[ "$(psql_site "SELECT count(*) FROM site_conflicts WHERE tbl = 'accounts'")" = 1 ] ||
    fail "expected one account conflict on the server"
[ "$(psql_site "SELECT count(*) FROM site_conflicts WHERE tbl = 'cards'")" = 1 ] ||
    fail "expected one card conflict on the server"
for k in A B; do
    CHECK="$k: one zed"
    [ "$(sql $k "SELECT count(*) FROM accounts WHERE email_key = 'zed@example.com'")" = 1 ] ||
        fail "$k should have exactly one account for zed"
    ok $k --json occupant show zed@example.com
    py 'j["name"] == "Zed at A"'
    denied $k Gate ann@example.com
    ok $k --json card list
    py 'len(j) == 1 and j[0]["email"] == "ann@example.com" and j[0]["last4"] == "cafe"'
done
[ "$(sql A "SELECT gid FROM accounts WHERE email_key = 'zed@example.com'")" = \
  "$(sql B "SELECT gid FROM accounts WHERE email_key = 'zed@example.com'")" ] || fail "zed's gid differs"
ok B --json site status
py 'j["conflicts"] == 2'
ok A --json site status
py 'j["conflicts"] == 0'
# B's welcome/notification mail for its copy of zed is not sent.
[ "$(sql B "SELECT count(*) FROM outbox WHERE to_addr LIKE '%ed@%xample.com' AND state = 'queued'")" = 0 ] ||
    fail "B still has mail queued for the withdrawn sign-up"
echo "ok"
