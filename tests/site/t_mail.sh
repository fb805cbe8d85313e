# A welcome email for a sign-up made in site mode waits until the site
# server has accepted the account (another kiosk may have signed the same
# person up first): not sent, not cancelled, not even tried; after the sync
# it goes out as usual.
. "$(dirname "$0")/lib.sh"

site_of_two
# A relay that refuses connections: a message that is tried counts an attempt.
printf '[mail]\nrelay = smtp://127.0.0.1:1\nfrom = kiosk@example.org\n' >>"$T/A.conf"
pg_stop
ok A occupant add --email ann@example.com --all
attempts() { sql A "SELECT state || ':' || attempts FROM outbox WHERE kind = 'welcome' AND to_addr = 'ann@example.com'"; }
[ "$(attempts)" = "queued:0" ] || fail "expected one queued welcome, got '$(attempts)'"
at A outbox flush --force
[ "$(attempts)" = "queued:0" ] || fail "the welcome was tried before the server accepted ann: $(attempts)"
pg_start
ok A site sync
# Held mail is due again a few seconds later; make it due now.
ok A outbox retry "$(sql A "SELECT id FROM outbox WHERE kind = 'welcome'")"
at A outbox flush --force
case "$(attempts)" in
    queued:1|failed:1) ;;
    *) fail "after the sync the welcome should have been tried once, got '$(attempts)'" ;;
esac
echo "ok"
