#!/bin/sh
# --dump-ui prints the home screen's widgets as JSON; it must parse, list
# the tiles and the Staff entry, and every interactive widget must be a
# touch target of at least 64x64 px.
set -eu
gh=$1 mkdb=$2 plugdir=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gh-ui-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
"$mkdb" "$tmp/k.db"
printf '[store]\npath = %s/k.db\n[plugins]\ndir = %s\n' "$tmp" "$plugdir" > "$tmp/k.conf"
"$gh" --config "$tmp/k.conf" --headless --dump-ui > "$tmp/ui.json"
/usr/bin/python3 - "$tmp/ui.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["screen"] == "home", d["screen"]
ws = d["widgets"]
ids = [w["id"] for w in ws]
for want in ("tile.first", "tile.form", "tile.list", "home.staff"):
    assert want in ids, (want, ids)
assert "tile.hidden" not in ids, "a tile whose visible() is 0 is listed"
ys = [w["rect"]["y"] for w in ws if w["id"] in ("tile.first", "tile.form", "tile.list")]
assert ys == sorted(ys), ("tiles out of order", ys)
seen = set()
inter = [w for w in ws if w["interactive"]]
assert inter, "no interactive widgets"
for w in ws:
    for k in ("id", "kind", "label", "rect", "enabled"):
        assert k in w, (k, w)
    assert w["id"] not in seen, ("duplicate id", w["id"])
    seen.add(w["id"])
for w in inter:
    r = w["rect"]
    assert r["w"] >= 64 and r["h"] >= 64, ("target smaller than 64 px", w)
print("ok: %d widgets, %d interactive, all >= 64 px" % (len(ws), len(inter)))
PY
