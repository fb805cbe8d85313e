#!/bin/sh
# Issue 19: [screen] logo and accent.
#  - a PNG logo shows on the home screen above the site's name, an accent
#    colours the buttons and tiles (branding/logo_and_accent.script);
#  - a missing, unreadable or non-PNG logo: a warning naming it in the log,
#    and the home screen without a logo (never a crash);
#  - an accent that fails 3:1 against the background or 4.5:1 under white
#    button text: the kiosk refuses to start, naming the key and the ratio.
#   branding.sh GATEHOUSE MKDB PLUGIN_DIR SCRIPT SHOTS
set -u
gh=$1 mkdb=$2 plugdir=$3 script=$4 shots=$5
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gh-brand-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
"$mkdb" "$tmp/k.db" || exit 1
# a 400x160 logo of one colour, #8C1D40
/usr/bin/python3 - "$tmp/logo.png" <<'PY'
import struct, sys, zlib
w, h = 400, 160
raw = b"".join(b"\0" + bytes((0x8C, 0x1D, 0x40, 255)) * w for _ in range(h))
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)) +
       chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
open(sys.argv[1], "wb").write(png)
PY
conf() {   # conf LOGO ACCENT
  printf '[store]\npath = %s/k.db\n[plugins]\ndir = %s\n[screen]\nwidth = 1080\nheight = 1920\n' \
    "$tmp" "$plugdir" > "$tmp/k.conf"
  [ -n "$1" ] && printf 'logo = %s\n' "$1" >> "$tmp/k.conf"
  [ -n "$2" ] && printf 'accent = %s\n' "$2" >> "$tmp/k.conf"
  return 0
}
conf "$tmp/logo.png" "#0B6E4F"
mkdir -p "$shots"
"$gh" --config "$tmp/k.conf" --headless --script "$script" --shots "$shots" 2>"$tmp/err" ||
  { cat "$tmp/err"; fail "the branded kiosk's script"; }
grep -q "logo" "$tmp/err" && { cat "$tmp/err"; fail "a warning about a good logo"; }
echo "ok: logo shown, accent on the buttons"

# a missing file, a file that is not a PNG: a warning, home without a logo
printf 'GIF89a not really\n' > "$tmp/notpng.png"
for bad in "$tmp/missing.png" "$tmp/notpng.png"; do
  conf "$bad" ""
  "$gh" --config "$tmp/k.conf" --headless --dump-ui > "$tmp/ui.json" 2>"$tmp/err"
  rc=$?
  [ $rc -eq 0 ] || { cat "$tmp/err"; fail "logo $bad: exit $rc"; }
  grep -q "warning.*\[screen\] logo $bad" "$tmp/err" || { cat "$tmp/err"; fail "no warning naming $bad"; }
  grep -q '"home.logo"' "$tmp/ui.json" && fail "a logo widget without a logo ($bad)"
  grep -q '"tile.form"' "$tmp/ui.json" || fail "home screen not shown ($bad)"
  echo "ok: $(grep -o '\[screen\] logo.*' "$tmp/err")"
done

# accents that fail the contrast rules: refused, naming the key and the ratio
check_refused() {   # ACCENT WHAT
  conf "" "$1"
  "$gh" --config "$tmp/k.conf" --headless --dump-ui > /dev/null 2>"$tmp/err"
  rc=$?
  [ $rc -eq 1 ] || { cat "$tmp/err"; fail "accent $1: expected exit 1, got $rc"; }
  grep -q "k.conf:[0-9]*: accent: .*$2" "$tmp/err" || { cat "$tmp/err"; fail "accent $1: message"; }
  echo "ok: $(cat "$tmp/err")"
}
check_refused "#7FB2E5" "against the background #F4F5F7 is 2.0[0-9]:1"
check_refused "#7F7F7F" "white button text on #7F7F7F is 4.00:1"
check_refused "blue" "not a colour written #RRGGBB"
exit 0
