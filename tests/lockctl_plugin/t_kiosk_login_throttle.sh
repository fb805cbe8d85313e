# The kiosk-wide log-in throttle (issue 11/12): 10 wrong log-ins within 10
# minutes on one kiosk, across accounts (none of them locked on its own),
# and the kiosk refuses every log-in for 30 s, the right PIN too, saying how
# long; nothing reaches a board. After the wait the right PIN opens the doors
# again. The start is logged.
. "$(dirname "$0")/lib.sh"
sim_start --board dcttech:ABCDE:4 --board ftdi:FT0001:8

kiosk_start kiosk_login_throttle
before_a=$(sim_relay_transfers ABCDE)   # after the start's all-off
for i in 0 1 2 3 4 5 6 7 8 9; do
    login_unlock "nobody$i@example.com" 1357
    step 'screen lockctl.login' 'expect "That PIN is not right"' 'tap "Cancel"' 'screen home'
done
login_unlock ann@example.com 4682
step 'screen lockctl.login' 'expect "Too many wrong log-ins. Try again in 30 seconds."'
shot 01_throttled
[ "$(sim_relay_transfers ABCDE)" = "$before_a" ] || fail "a throttled log-in reached board ABCDE"
step 'tap "Cancel"' 'screen home' 'wait 30000'
login_unlock ann@example.com 4682
step 'screen lockctl.doors' 'expect "Gate"'
shot 02_after_the_wait
step 'tap "Done"' 'screen home'
kiosk_end

log_has throttle.start "10 wrong log-ins within 10 min"
log_has auth.login "kiosk throttled"
echo "PASS"
