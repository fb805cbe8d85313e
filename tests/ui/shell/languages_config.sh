#!/bin/sh
# [kiosk] languages: the catalogues are found from the build tree (or
# locale_dir), and a language without a catalogue, or a code that is not a
# language, stops both programs with an error naming it (exit 1).
#   languages_config.sh GATEHOUSE GATEHOUSECTL MKDB PLUGIN_DIR LOCALE_DIR
set -eu
gh=$1 ctl=$2 mkdb=$3 plugdir=$4 localedir=$5
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gh-lang-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
"$mkdb" "$tmp/k.db"
conf() {  # conf FILE LINES...: a configuration with [kiosk] LINES
  f=$1; shift
  printf '[store]\npath = %s/k.db\n[plugins]\ndir = %s\n[kiosk]\n' "$tmp" "$plugdir" > "$f"
  for l in "$@"; do printf '%s\n' "$l" >> "$f"; done
}
fails() {  # fails WANT CMD...: exit 1, and stderr holds WANT
  want=$1; shift
  if "$@" > "$tmp/out" 2> "$tmp/err"; then echo "FAIL: $* succeeded"; exit 1; fi
  grep -qF -- "$want" "$tmp/err" || { echo "FAIL: '$want' not in:"; cat "$tmp/err"; exit 1; }
}
# found from the build tree: the home screen's buttons in their own names
conf "$tmp/ok.conf" "languages = es, en, fr"
"$gh" --config "$tmp/ok.conf" --headless --dump-ui > "$tmp/ui.json"
grep -q '"Español"' "$tmp/ui.json" || { echo "FAIL: no Español button"; exit 1; }
grep -q '"Personal"' "$tmp/ui.json" || { echo "FAIL: home is not in Spanish (the first)"; exit 1; }
# locale_dir overrides where they are looked for
conf "$tmp/dir.conf" "languages = en, fr" "locale_dir = $localedir"
"$gh" --config "$tmp/dir.conf" --headless --dump-ui | grep -q '"Français"'
conf "$tmp/empty.conf" "languages = en, fr" "locale_dir = $tmp"
fails 'no usable catalogue for "fr"' "$gh" --config "$tmp/empty.conf" --headless --dump-ui
fails "$tmp/fr/LC_MESSAGES/gatehouse.mo" "$gh" --config "$tmp/empty.conf" --headless --dump-ui
# a language with no catalogue, in both programs
conf "$tmp/de.conf" "languages = en, de"
fails 'no usable catalogue for "de"' "$gh" --config "$tmp/de.conf" --headless --dump-ui
fails 'no usable catalogue for "de"' "$ctl" --config "$tmp/de.conf" occupant list
# not a language code: FILE:LINE
conf "$tmp/bad.conf" "languages = en, e5"
fails "$tmp/bad.conf:6: languages: \"e5\" is not a language code" \
  "$gh" --config "$tmp/bad.conf" --headless --dump-ui
conf "$tmp/twice.conf" "languages = en, es, en"
fails 'languages: "en" is listed twice' "$ctl" --config "$tmp/twice.conf" occupant list
# gatehousectl speaks --lang, else $LANGUAGE / $LANG
"$ctl" --config "$tmp/ok.conf" --lang fr --help > "$tmp/help"
grep -q '^Administre une borne' "$tmp/help" || { echo "FAIL: --lang fr help is not French"; head "$tmp/help"; exit 1; }
LANG=es_ES.UTF-8 LANGUAGE= "$ctl" --config "$tmp/ok.conf" --help > "$tmp/help"
grep -q '^Órdenes' "$tmp/help" || { echo "FAIL: LANG=es help is not Spanish"; head "$tmp/help"; exit 1; }
fails '--lang xx' "$ctl" --config "$tmp/ok.conf" --lang xx --help
echo "languages config: ok"
