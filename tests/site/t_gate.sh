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
# A kiosk with another site key is refused, and told how to get the site's.
kiosk D
ok D init
refused D site join
err_has "site key"
err_has "site join --key FILE"
head -c 32 /dev/urandom >"$T/wrong.key"
refused D site join --key "$T/wrong.key"
err_has "is not this site's key"
# With the site's key (a copy of A's file): put in place, 0600, the key
# init made kept aside, and the site's data loaded.
cp "$T/A.db.key" "$T/site.key"
ok D site join --key "$T/site.key"
out_has "now holds the site's key"
out_has "loaded"
cmp -s "$T/D.db.key" "$T/A.db.key" || fail "D's key is not the site's"
[ "$(stat -c %a "$T/D.db.key")" = 600 ] || fail "D's key is not mode 0600"
ls "$T"/D.db.key.old-* >/dev/null 2>&1 || fail "D's own key was not kept"
denied D Gate ann@example.com
ok D site join --key "$T/site.key"
out_has "already joined"
# A kiosk whose own key already hashed a door code keeps it without --force.
kiosk E
ok E init
ok E location add Lobby --door common
ok E occupant add --email eve@example.com --all
ok E door-code issue eve@example.com
refused E site join --key "$T/site.key"
err_has "--force"
! cmp -s "$T/E.db.key" "$T/A.db.key" || fail "E's key was replaced without --force"
echo "ok"
