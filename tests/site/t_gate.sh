# A person added at kiosk A can open the gate at kiosk B after a sync;
# blocked at B, refused at A after the next sync. Door decisions are each
# kiosk's own, from its SQLite.
. "$(dirname "$0")/lib.sh"

site_of_two
ok A occupant add --email ann@example.com --name Ann --all
CHECK="B does not know Ann before a sync"; at B door check Gate --as ann@example.com; rc 1
ok A --json site sync
py 'j["pushed"] >= 1 and j["pulled"] == 0'
ok B site sync
allowed B Gate ann@example.com

ok B occupant set-state ann@example.com blocked
allowed A Gate ann@example.com
ok B site sync
ok A site sync
denied A Gate ann@example.com
ok A --json site status
py 'j["joined"] and j["queued"] == 0 and j["conflicts"] == 0 and j["last_change"] >= 3'
# A third kiosk joining later gets everything, Ann blocked.
kiosk C; cp "$T/A.db.key" "$T/C.db.key"
ok C init
ok C site join
denied C Gate ann@example.com
# A kiosk with another site key is refused.
kiosk D
ok D init
refused D site join
err_has "site key"
echo "ok"
