# The kiosk program syncs by itself on its own thread: blocked at B and
# pushed, A's database (and so A's door decision) follows on the server's
# NOTIFY, without anyone running `site sync` at A; a change made at A is
# pushed by A's thread. Offline policy: with offline_deny_after_h set, a
# kiosk cut off for longer refuses unlocks with a sentence saying why, and
# `site status` says since when it works offline.
. "$(dirname "$0")/lib.sh"

site_of_two
ok A occupant add --email ann@example.com --all
ok A site sync
ok B site sync
mkdir "$T/plugins"
printf '[plugins]\ndir = %s\n' "$T/plugins" >>"$T/A.conf"
GATEHOUSE_LOG_LEVEL=debug "$(dirname "$GHCTL")/gatehouse" --config "$T/A.conf" --no-screen \
    >"$T/kiosk.log" 2>&1 &
KPID=$!
trap 'kill $KPID 2>/dev/null || true; wait $KPID 2>/dev/null || true; cleanup' EXIT
# until: waits up to 10 s (generous: timing belongs in bench/) for SQL at A to print WANT.
until_a() {
    for _ in $(seq 100); do
        [ "$(sql A "$1")" = "$2" ] && return 0
        sleep 0.1
    done
    cat "$T/kiosk.log" >&2
    fail "A never reached '$2' for: $1"
}
until_a "SELECT count(*) FROM site_state WHERE last_contact_ms > 0 AND offline_since_ms = 0" 1
ok B occupant set-state ann@example.com blocked
ok B site sync
until_a "SELECT state FROM accounts WHERE email_key = 'ann@example.com'" blocked
denied A Gate ann@example.com

ok A occupant add --email bob@example.com --all
until_a "SELECT count(*) FROM site_queue" 0
ok B site sync
allowed B Gate bob@example.com

# Offline policy, set once for the site.
ok A settings set offline_deny_after_h 1
until_a "SELECT count(*) FROM site_queue" 0
ok B site sync
kill $KPID; wait $KPID 2>/dev/null || true
allowed B Gate bob@example.com
sql B "UPDATE site_state SET last_contact_ms = last_contact_ms - 2 * 3600 * 1000"
denied B Gate bob@example.com
out_has "site server"
ok B site status
out_has "working offline since"
ok B --json site status
py 'not j["connected"] and j["offline_since_ms"] > 0'
ok B site sync
allowed B Gate bob@example.com
echo "ok"
