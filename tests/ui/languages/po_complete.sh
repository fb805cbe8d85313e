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
# A tile's label and subtitle are translated where the shell draws them
# (_(t->label)); written without N_() they never reach the template, and
# the kiosk shows them in English in every language.
bad=$(grep -rnE '[.](label|subtitle) *= *"' --include='*.c' --include='*.h' core plugins kiosk || true)
if [ -n "$bad" ]; then
  echo "$bad"
  echo "FAIL: the strings above are shown translated but not marked N_(), so no catalogue has them"
  rc=1
fi
for po in po/*.po; do
  msgfmt --check -o /dev/null "$po" || rc=1
  msgcmp "$po" "$tmp/gatehouse.pot" || { echo "FAIL: $po lacks translations (above)"; rc=1; }
done
exit $rc
