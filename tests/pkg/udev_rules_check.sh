#!/usr/bin/env bash
# Static checks of the relay boards' udev rules (udev in this container has
# no devices to run them against, and systemd 252 has no `udevadm verify`):
#   - IDs written as udev sees them: 4 lower-case hex digits, no 0x;
#   - the shared V-USB ID 16c0:05df only together with www.dcttech.com;
#   - FTDI 0403:6001 present, matched by IDs, its comment saying why;
#   - every rule grants GROUP="gatehouse" MODE="0660" and nothing more:
#     no RUN, no unbind, no driver or authorized changes, no OWNER.
#
#   udev_rules_check.sh RULES_FILE
set -uo pipefail
f=$1
fail() { echo "FAIL: $*"; exit 1; }
rules=$(grep -vE '^\s*(#|$)' "$f")
n=$(echo "$rules" | wc -l)
echo "$rules"
[ "$n" -ge 3 ] || fail "expected rules for HID (usb + hidraw) and FTDI, found $n"
while IFS= read -r r; do
  [[ "$r" == *'GROUP="gatehouse"'* && "$r" == *'MODE="0660"'* ]] || fail "no group/mode grant: $r"
  echo "$r" | grep -qiE 'RUN|unbind|bind|DRIVER\{|ATTR\{authorized\}=|OWNER=|TAG\+?=|ENV\{[A-Z_]+\}=[^=]' &&
    fail "does more than grant access: $r"
  for id in $(echo "$r" | grep -oE 'ATTRS?\{id(Vendor|Product)\}=="[^"]*"' | sed -E 's/.*=="([^"]*)"/\1/'); do
    [[ "$id" =~ ^[0-9a-f]{4}$ ]] || fail "ID '$id' is not 4 lower-case hex digits: $r"
  done
  if [[ "$r" == *'"16c0"'* ]]; then
    [[ "$r" == *'"05df"'* && "$r" == *'ATTRS{manufacturer}=="www.dcttech.com"'* ]] ||
      fail "16c0 matched without 05df and the dcttech manufacturer: $r"
  fi
  [[ "$r" == *'idVendor'* ]] || fail "a rule that matches no vendor ID: $r"
done <<<"$rules"
echo "$rules" | grep -q 'SUBSYSTEM=="hidraw".*"16c0".*"05df"' || fail "no hidraw rule for dcttech boards"
echo "$rules" | grep -q 'SUBSYSTEM=="usb".*"16c0".*"05df"' || fail "no usb rule for dcttech boards"
echo "$rules" | grep -q 'SUBSYSTEM=="usb".*"0403".*"6001"' || fail "no rule for FTDI 0403:6001"
grep -qi 'serial.*board ID\|board ID.*serial' "$f" || fail "the FTDI comment does not say the serial is the board ID"
grep -qi 'ftdi_sio' "$f" || fail "the comment does not say who detaches ftdi_sio"
echo "ok: $n rules, access grants only"
