# gatehousectl import: CSV from a property management system (import.h):
# any column order, quoted fields, commas, UTF-8, CRLF, BOM; bad rows
# reported with their line and skipped; each row all-or-nothing; a second
# run changes nothing; --dry-run writes nothing.
. "$(dirname "$0")/lib.sh"

small_site
ok group add Acme --all
ok occupant add --email taken@example.com --phone "+44 7700 900999"
ok unit rent "Unit 3" --occupant taken@example.com

# BOM, CRLF, columns in another order, quoted fields with commas, quotes
# and a line break, UTF-8 names.
printf '\xef\xbb\xbfunit,Email,name,phone,group\r\n' >"$T/a.csv"
printf '"Unit 1",ann@example.com,"Smith, Ann",+44 7700 900001,\r\n' >>"$T/a.csv"
printf ',bob@example.com,"Bob ""The Builder"" Jones",,Acme\r\n' >>"$T/a.csv"
printf ',zoe@example.com,Zoë Ångström 李,,\r\n' >>"$T/a.csv"
printf '"Unit 2","multi@example.com","Multi\nLine",,\r\n' >>"$T/a.csv"
printf ',cat@example.com,Cat,,\r\n' >>"$T/a.csv"
printf '\r\n' >>"$T/a.csv"
printf 'Unit 3,dan@example.com,Dan,,\r\n' >>"$T/a.csv"
printf ',not-an-email,Eve,,\r\n' >>"$T/a.csv"
printf 'Unit 99,fay@example.com,Fay,,\r\n' >>"$T/a.csv"
printf ',gus@example.com,Gus,+44 7700 900999,\r\n' >>"$T/a.csv"
printf ',hal@example.com,Hal,,NoSuchGroup\r\n' >>"$T/a.csv"
printf ',too,many,fields,here,now\r\n' >>"$T/a.csv"
printf 'Gate,ivy@example.com,Ivy,,\r\n' >>"$T/a.csv"
printf 'Unit 2,joe@example.com,Joe,,' >>"$T/a.csv"   # no final newline

LOG0=$(log_count); OUT0=$(outbox_count)
# --dry-run: the same report, nothing written.
CHECK="import --dry-run"; ctl import "$T/a.csv" --dry-run; rc 1
out_has "dry run"
cp "$T/err" "$T/dry.err"
[ "$(log_count)" = "$LOG0" ] || fail "dry run wrote log entries"
[ "$(outbox_count)" = "$OUT0" ] || fail "dry run queued mail"
ok --json occupant list
py 'len(j) == 1'

CHECK="import"; ctl --json import "$T/a.csv"; rc 1
py 'j["rows"] == 13 and j["created"] == 5 and j["skipped"] == 8 and j["updated"] == 0'
diff "$T/dry.err" "$T/err" >/dev/null || fail "dry run and real run reported differently"
# Every bad row named with the line its record starts on (line 5's record
# spans lines 5-6: the multi-line name is refused, the unit it named stays
# free).
err_has "line 5: name"
err_has "line 9: unit"; err_has "someone else"
err_has "line 10: email"
err_has "line 11: unit: no location named 'Unit 99'"
err_has "line 12: phone"
err_has "line 13: group: no group named 'NoSuchGroup'"
err_has "line 14: expected 5 fields, found 6"
err_has "line 15: unit: 'Gate' is not a unit"
err_has "gatehousectl: 8 row(s) skipped"
[ "$(grep -c '^gatehousectl: line ' "$T/err")" = 8 ] || fail "expected exactly 8 bad-line reports"
ok --json occupant show ann@example.com
py 'j["name"] == "Smith, Ann" and j["state"] == "active" and j["units"] == ["Unit 1"] and j["access"] == "all"'
ok --json occupant show bob@example.com
py 'j["name"] == "Bob \"The Builder\" Jones" and j["group"] == "Acme" and j["access"] == "group"'
ok --json occupant show zoe@example.com
py 'j["name"] == "Zoë Ångström 李"'
refused occupant show multi@example.com
refused occupant show gus@example.com
# A skipped row left nothing behind (all-or-nothing): Unit 2, named by the
# refused multi-line row, went to joe on line 16.
ok --json occupant show joe@example.com
py 'j["units"] == ["Unit 2"]'
ok --json occupant list
py 'len(j) == 6'
# Welcome mail for each one created, and only for them.
ok --json outbox list
py 'sorted(m["to"] for m in j if m["kind"] == "welcome") == sorted(["taken@example.com","ann@example.com","bob@example.com","zoe@example.com","cat@example.com","joe@example.com"])'

# Second run: nothing changes: no new mail, and at most the one summary
# entry (rows were skipped again).
LOG1=$(log_count); OUT1=$(outbox_count)
CHECK="import again"; ctl --json import "$T/a.csv"; rc 1
py 'j["created"] == 0 and j["updated"] == 0 and j["unchanged"] == 5 and j["skipped"] == 8'
LOG2=$(log_count); OUT2=$(outbox_count)
[ "$OUT2" = "$OUT1" ] || fail "second run queued mail ($OUT1 -> $OUT2)"
[ "$LOG2" -le $((LOG1 + 1)) ] || fail "second run logged $((LOG2 - LOG1)) entries"

# A clean file: second run leaves the log exactly as it was.
printf 'email,name,phone,unit\nkim@example.com,Kim,+44 7700 900111,\nlee@example.com,Lee,,\n' >"$T/b.csv"
ok import "$T/b.csv" --no-welcome
out_has "2 created"
OUTB=$(outbox_count); LOGB=$(log_count)
ok import "$T/b.csv" --no-welcome
out_has "0 created, 0 updated, 2 unchanged, 0 skipped"
[ "$(log_count)" = "$LOGB" ] || fail "idempotent run wrote to the log"
[ "$(outbox_count)" = "$OUTB" ] || fail "idempotent run queued mail"
[ "$OUTB" = "$OUT2" ] || fail "--no-welcome queued mail"
# An update: a changed name and phone, the same email in another case.
printf 'email,name,phone,unit\nKIM@example.com,Kim Park,+44 7700 900112,\n' >"$T/c.csv"
ok import "$T/c.csv"
out_has "1 updated"
ok --json occupant show kim@example.com
py 'j["name"] == "Kim Park" and j["phone"] == "+447700900112"'

# A progress bar on a terminal (isatty(stderr)), none otherwise.
printf 'email,name,phone,unit\nbar1@example.com,B1,,\nbar2@example.com,B2,,\n' >"$T/bar.csv"
ok import "$T/bar.csv" --no-welcome --dry-run
grep -qF '[#' "$T/err" && fail "progress bar drawn on a pipe"
if command -v script >/dev/null; then
    CHECK="import on a terminal"
    script -qec "'$GHCTL' --db '$DB' import '$T/bar.csv' --no-welcome --dry-run" /dev/null \
        >"$T/out" 2>"$T/err" </dev/null || fail "import under script failed"
    grep -qF '[########################################] 100%' "$T/out" || fail "no progress bar on a terminal"
fi

# Header problems stop the import before any row.
printf 'email,name,phone,unit,colour\nx@example.com,X,,,red\n' >"$T/d.csv"
refused import "$T/d.csv"
err_has "unknown column 'colour'"
printf 'email,name,unit\nx@example.com,X,\n' >"$T/e.csv"
refused import "$T/e.csv"
err_has "missing column 'phone'"
refused import "$T/none.csv"
err_has "none.csv"
: >"$T/f.csv"
refused import "$T/f.csv"
err_has "empty"
refused occupant show x@example.com
# Staff email in the file.
ok staff add --email st@example.com --pin 2580 --perms admin
printf 'email,name,phone,unit\nst@example.com,St,,\n' >"$T/g.csv"
refused import "$T/g.csv"
err_has "line 2: email"; err_has "staff"
ok log verify
echo PASS
