# `site init` creates the server schema once, is idempotent and refuses a
# newer one; without [site] the site commands say which setting is missing.
. "$(dirname "$0")/lib.sh"

kiosk A
ok A init
refused A site sync
err_has "site join"
ok A site init
out_has "0 -> 2"
ok A site init
out_has "up to date"
ok A --json site status
py 'j["joined"] is False and j["queued"] == 0'
psql_site "UPDATE site_schema SET version = 99"
refused A site init
err_has "newer"
refused A site join
err_has "newer"
# A version 1 server (before cards and requests travelled) is upgraded.
psql_site "UPDATE site_schema SET version = 1; DROP INDEX site_rows_card"
refused A site join
err_has "older"
ok A site init
out_has "1 -> 2"
[ "$(psql_site "SELECT count(*) FROM pg_indexes WHERE indexname = 'site_rows_card'")" = 1 ] ||
    fail "site init did not upgrade version 1"
ok A site init
out_has "up to date (version 2)"

# No [site]: a single kiosk.
printf '[store]\npath = %s\n' "$T/solo.db" >"$T/solo.conf"
"$GHCTL" --config "$T/solo.conf" init >/dev/null
set +e; "$GHCTL" --config "$T/solo.conf" site sync >"$T/out" 2>"$T/err"; RC=$?; set -e
rc 1; err_has "[site] server"
# A server that isn't there: a clear refusal, not a hang.
sed -i "s/:$PORT\//:1\//" "$T/A.conf"
refused A site init
err_has "connecting to the site server"
echo "ok"
