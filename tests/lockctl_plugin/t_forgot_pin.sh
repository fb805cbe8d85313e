# "Forgot your PIN?" at the kiosk (issue 15): a link under the door-code
# keypad and on the email-and-PIN log-in. The person types their email or
# phone and sends it (Send, or Next on the keyboard); the screen always says
# the same sentence and goes home by itself. An active account gets a new
# setup_code email (its PIN keeps working); a pending or unknown one gets
# nothing; a 4th request in a day is logged, not sent. Every request is
# logged.
. "$(dirname "$0")/lib.sh"
sim_start --board dcttech:ABCDE:4
SENT="If this matches an active account, we've emailed a new setup code to its address."
queued() { ctl --json outbox list --state queued; rc 0
           python3 -c 'import json,sys; print(sum(1 for m in json.load(sys.stdin) if m["kind"] == "setup_code" and m["to"] == sys.argv[1]))' "$1" <"$T/out"; }
[ "$(queued ann@example.com)" = 0 ] || fail "a setup_code mail before any request"

kiosk_start forgot_pin
# From under the keypad, sent with the Send button.
step 'tap "Unlock"' 'screen lockctl.code' 'tap #lockctl.code.forgot' 'screen lockctl.forgot'
shot 01_forgot_form
step 'tap #lockctl.forgot.send' 'expect "Type your email address or mobile number first."'
step 'tap #lockctl.forgot.who' 'type "ann@example.com"' 'tap #lockctl.forgot.send' \
     "expect \"$SENT\""
shot 02_forgot_sent
step 'wait 9000' 'screen home' 'expect-not "ann@example.com"'
# From the email-and-PIN log-in, sent with Next on the keyboard: pending and
# unknown people see the very same sentence.
for who in pen@example.com nobody@example.com 1; do
    step 'tap "Unlock"' 'tap #lockctl.code.pin' 'screen lockctl.login' \
         'tap #lockctl.login.forgot' 'screen lockctl.forgot' 'tap #lockctl.forgot.who' \
         "type \"$who\"" 'tap #kb.next' "expect \"$SENT\"" 'tap #lockctl.forgot.done' \
         'screen home'
done
# Three a day for one account: the 2nd and 3rd go, the 4th does not.
for i in 2 3 4; do
    step 'tap "Unlock"' 'tap #lockctl.code.forgot' 'tap #lockctl.forgot.who' \
         'type "ann@example.com"' 'tap #lockctl.forgot.send' "expect \"$SENT\"" \
         'tap #lockctl.forgot.done' 'screen home'
done
# Her PIN still works until a new code is used.
login_unlock ann@example.com 4682
step 'screen lockctl.doors'
shot 03_pin_still_works
step 'tap "Done"' 'screen home'
kiosk_end

# Only the newest code's mail waits (older ones cancelled), 3 were made.
[ "$(queued ann@example.com)" = 1 ] || fail "ann should have exactly one setup_code mail queued"
[ "$(queued pen@example.com)" = 0 ] || fail "a pending account got a setup code"
ok --json outbox list --state cancelled
python3 -c 'import json,sys; j=json.load(sys.stdin); n=sum(1 for m in j if m["kind"]=="setup_code"); sys.exit(0 if n == 2 else 1)' <"$T/out" \
    || fail "expected 2 superseded setup_code mails"
forgot_logged() { ctl --json log --limit 0; rc 0
    python3 -c 'import json,sys; print(sum(1 for e in json.load(sys.stdin) if e["action"] == "auth.forgot" and e["outcome"] == sys.argv[1]))' "$1" <"$T/out"; }
[ "$(forgot_logged ok)" = 3 ] || fail "3 requests sent for ann"
[ "$(forgot_logged refused)" = 4 ] || fail "pending, unknown, an id and the 4th: refused"
echo "PASS"
