#!/usr/bin/env bash
# Runs the relay boards' udev rules through the real udev rule engine
# (`udevadm test`) against boards simulated by umockdev, and checks which
# devices they grant to the gatehouse group: a dcttech HID relay (its USB
# device and its hidraw node) and an FTDI FT245R yes; another V-USB gadget
# with the same 16c0:05df ID and another FTDI chip no.
#
# udevadm test only reads rules from the system folders, so the rules are
# put in /etc/udev/rules.d inside a private mount namespace (nothing on the
# machine changes), with the grant rewritten into a property udevadm prints:
# GROUP="gatehouse", MODE="0660" -> ENV{GH_RELAY_GRANT}="yes". The matches
# are the file's own.
#
#   udev_match_check.sh RULES_FILE BOARDS_DIR
set -uo pipefail
rules=$1 boards=$2
skip() { echo "SKIP: $*"; exit 77; }
command -v udevadm >/dev/null || skip "udevadm is not installed (package udev)"
command -v umockdev-run >/dev/null || skip "umockdev-run is not installed"
[ "$(id -u)" = 0 ] || skip "needs root for a private mount namespace"
unshare --mount true 2>/dev/null || skip "cannot make a mount namespace here"
grep -q 'GROUP="gatehouse", MODE="0660"' "$rules" || { echo "FAIL: no grant to rewrite"; exit 1; }

export RULES=$rules BOARDS=$boards
exec unshare --mount --propagation private bash -c '
  set -uo pipefail
  mkdir -p /etc/udev/rules.d
  mount -t tmpfs -o size=1m tmpfs /etc/udev/rules.d || exit 77
  sed "s/GROUP=\"gatehouse\", MODE=\"0660\"/ENV{GH_RELAY_GRANT}=\"yes\"/" "$RULES" \
    > /etc/udev/rules.d/60-gatehouse-relays.rules
  bad=0
  check() {   # BOARD-FILE SYSPATH want(yes|no)
    local out got
    out=$(timeout 20 umockdev-run -d "$BOARDS/$1" -- udevadm test --action=add "$2" 2>/dev/null)
    echo "$out" | grep -q "^DEVPATH=" || { echo "FAIL: udevadm test saw no device for $1 $2"; bad=1; return; }
    got=no
    echo "$out" | grep -qx "GH_RELAY_GRANT=yes" && got=yes
    printf "%-22s %-70s granted=%s\n" "$1" "${2#/sys/devices/pci0000:00/0000:00:14.0/}" "$got"
    [ "$got" = "$3" ] || { echo "FAIL: expected granted=$3"; bad=1; }
  }
  u=/sys/devices/pci0000:00/0000:00:14.0/usb1
  check dcttech.umockdev     $u/1-1 yes
  check dcttech.umockdev     $u/1-1/1-1:1.0/0003:16C0:05DF.0001/hidraw/hidraw0 yes
  check dcttech.umockdev     $u/1-1/1-1:1.0 no
  check vusb-other.umockdev  $u/1-2 no
  check vusb-other.umockdev  $u/1-2/1-2:1.0/0003:16C0:05DF.0002/hidraw/hidraw1 no
  check ftdi.umockdev        $u/1-3 yes
  check ftdi-other.umockdev  $u/1-4 no
  [ $bad = 0 ] && echo "ok: the rules grant exactly the relay boards"
  exit $bad
'
