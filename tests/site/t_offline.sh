# The server stopped: A and B still decide from their own databases, A
# takes a sign-up offline and says since when it works offline; both catch
# up once the server is back.
. "$(dirname "$0")/lib.sh"

site_of_two
ok A occupant add --email ann@example.com --all
ok A site sync
ok B site sync
pg_stop
allowed A Gate ann@example.com
allowed B Gate ann@example.com
ok A occupant signup --email pen@example.com --name Pen
refused A site sync
err_has "site server"
ok A --json site status
py 'j["joined"] and not j["connected"] and j["offline_since_ms"] > 0 and j["queued"] >= 1'
ok A site status
out_has "working offline since"
ok B occupant set-state ann@example.com blocked
denied B Gate ann@example.com
allowed A Gate ann@example.com
pg_start
ok A site sync
ok B site sync
ok A site sync
ok A --json site status
py 'j["connected"] and j["queued"] == 0 and j["offline_since_ms"] == 0'
denied A Gate ann@example.com
ok B --json occupant show pen@example.com
py 'j["state"] == "pending" and j["name"] == "Pen"'
echo "ok"
