#!/bin/sh
# The real programs with a plugin folder holding the good test plugins, the
# docs example and every kind of bad plugin (tests/plugins).
#   with_bad_plugins.sh kiosk GATEHOUSE SO_DIR SCRIPT GATEHOUSECTL
#     the kiosk runs the script (home still shows, plugin screens work), and
#     its stderr and activity log (read with gatehousectl) name every
#     refused plugin
#   with_bad_plugins.sh ctl GATEHOUSECTL SO_DIR
#     gatehousectl runs plugin commands and names every refused plugin
set -eu
mode=$1 prog=$2 so=$3 script=${4:-} ctl=${5:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gh-plugins-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; for f in "$tmp"/*.err; do [ -f "$f" ] && sed 's/^/  | /' "$f"; done; exit 1; }

refused="ght_abi ght_direct ght_initfail ght_misname ght_noentry ght_noinit ght_sig
         ght_small ght_twin ght_writable ght_junk"
mkdir "$tmp/plugins"
chmod 0755 "$tmp/plugins"
cp "$so"/*.so "$tmp/plugins/"
chmod 0644 "$tmp/plugins"/*.so
chmod 0666 "$tmp/plugins/ght_writable.so"
printf 'not an ELF file\n' > "$tmp/plugins/ght_junk.so"
chmod 0644 "$tmp/plugins/ght_junk.so"
cat > "$tmp/k.conf" <<CONF
[store]
path = $tmp/k.db
[plugins]
dir = $tmp/plugins
[mail]
relay = smtp://127.0.0.1:1
username = kiosk
password = s3cret-relay-password
[screen]
width = 1080
height = 1920
CONF

case $mode in
kiosk)
  SDL_VIDEODRIVER=dummy "$prog" --config "$tmp/k.conf" --headless --script "$script" \
    2>"$tmp/kiosk.err" || fail "kiosk script failed (exit $?)"
  for p in $refused; do
    grep -q "plugin $p refused: " "$tmp/kiosk.err" || fail "stderr does not name $p"
  done
  for p in ght_good hello ght_alpha; do
    grep -q "plugin $p loaded" "$tmp/kiosk.err" || fail "stderr does not say $p loaded"
  done
  # the activity log, through gatehousectl (which itself writes no plugin entries)
  "$ctl" --config "$tmp/k.conf" --json log --limit 0 >"$tmp/log.json" 2>"$tmp/log.err" \
    || fail "gatehousectl log: exit $?"
  for p in $refused; do
    grep -q "\"action\":\"plugin.refused\",\"target\":\"$p\",\"outcome\":\"refused\"" \
      "$tmp/log.json" || fail "activity log has no plugin.refused entry for $p"
  done
  grep -q '"action":"plugin.loaded","target":"ght_good","outcome":"ok"' "$tmp/log.json" \
    || fail "activity log has no plugin.loaded entry for ght_good"
  ;;
ctl)
  # plugin commands need a database (gatehousectl never creates one by accident)
  "$prog" --config "$tmp/k.conf" init >/dev/null 2>"$tmp/init.err" || fail "init: exit $?"
  out=$("$prog" --config "$tmp/k.conf" hello Ada 2>"$tmp/ctl.err") || fail "hello: exit $?"
  [ "$out" = "Hello, Ada, from Gatehouse." ] || fail "hello printed: $out"
  out=$("$prog" --config "$tmp/k.conf" ght hello big world 2>>"$tmp/ctl.err") || fail "ght hello: exit $?"
  [ "$out" = "hello from ght_good: big world" ] || fail "ght hello printed: $out"
  # plugins see the configuration without the mail credentials (ABI 1.2)
  out=$("$prog" --config "$tmp/k.conf" ght config 2>>"$tmp/ctl.err") || fail "ght config: exit $?"
  [ "$out" = "host password '' ctx password '' view store $tmp/k.db mail 1" ] \
    || fail "ght config printed: $out"
  for p in $refused; do
    grep -q "plugin $p refused: " "$tmp/ctl.err" || fail "stderr does not name $p"
  done
  if "$prog" --config "$tmp/k.conf" initfail cmd >"$tmp/out" 2>>"$tmp/ctl.err"; then
    fail "a rolled-back plugin's command ran: $(cat "$tmp/out")"
  fi
  ;;
*) echo "usage: $0 kiosk|ctl PROGRAM SO_DIR [SCRIPT GATEHOUSECTL]"; exit 2 ;;
esac
echo "ok"
