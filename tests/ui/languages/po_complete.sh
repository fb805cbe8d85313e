#!/bin/sh
# Every _() / N_() string of the code (.c and .h: a header's N_() counts) has a (non-fuzzy) translation in every
# po/LANG.po: a template from the sources now, msgcmp against each.
set -eu
src=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gh-po-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$src"
find core plugins kiosk -name '*.c' -o -name '*.h' | sort > "$tmp/files"
xgettext --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ -f "$tmp/files" \
  -o "$tmp/gatehouse.pot"
rc=0
for po in po/*.po; do
  msgfmt --check -o /dev/null "$po" || rc=1
  msgcmp "$po" "$tmp/gatehouse.pot" || { echo "FAIL: $po lacks translations (above)"; rc=1; }
done
exit $rc
