# The drop folder (issue 18): the package's gatehouse-import.path watches
# /var/lib/gatehouse/import and starts gatehouse-import.service, which runs
# gatehouse-import-sync. The unit files are checked (and verified by
# systemd-analyze when it is there), then the script is run as the service
# runs it (its ExecStart arguments, its Environment=, the installed
# gatehousectl), on a folder with a good export, one cut short (the 20%
# guard) and a file that is not a CSV: the good one goes to done/, the cut
# one to failed/, each with a .log; the summaries are queued for the
# digest_to addresses; the other file stays.
. "$(dirname "$0")/lib.sh"
SRC=${GH_SOURCE_DIR:?}/kiosk/systemd
PATHU=$SRC/gatehouse-import.path SVC=$SRC/gatehouse-import.service SCRIPT=$SRC/gatehouse-import-sync

CHECK="unit files"
for k in 'PathChanged=/var/lib/gatehouse/import' 'Unit=gatehouse-import.service' \
         'MakeDirectory=yes' 'WantedBy=paths.target'; do
    grep -qx "$k" "$PATHU" || fail "gatehouse-import.path lacks $k"
done
for k in 'Type=oneshot' \
         'ExecStart=/usr/lib/gatehouse/gatehouse-import-sync /var/lib/gatehouse/import' \
         'Environment=GATEHOUSE_CONFIG=/etc/gatehouse/gatehouse.conf' 'User=gatehouse' \
         'Group=gatehouse' 'StateDirectory=gatehouse' 'NoNewPrivileges=yes' \
         'ProtectSystem=strict' 'PrivateNetwork=yes'; do
    grep -qx "$k" "$SVC" || fail "gatehouse-import.service lacks $k"
done
grep -q '^d  *\/var\/lib\/gatehouse\/import  *2770 gatehouse gatehouse' "$SRC/gatehouse.tmpfiles" ||
    fail "tmpfiles does not make the drop folder"
[ -x "$SCRIPT" ] || fail "gatehouse-import-sync is not executable"
if command -v systemd-analyze >/dev/null; then
    res=$(systemd-analyze verify --man=no "$PATHU" "$SVC" 2>&1 || true)
    other=$(echo "$res" | grep -v "gatehouse-import-sync is not executable" | grep . || true)
    [ -z "$other" ] || fail "systemd-analyze verify: $other"
fi

# The site and its imported tenants.
small_site
ok settings set digest_to "office@example.com, owner@example.com"
H='email,name,phone,unit,delinquent'
printf '%s\n' "$H" 'a1@example.com,A1,,Unit 1,' 'a2@example.com,A2,,Unit 2,' \
    'a3@example.com,A3,,,' 'a4@example.com,A4,,,' 'a5@example.com,A5,,,' >"$T/first.csv"
ok import "$T/first.csv" --no-welcome

# The service's environment: its config names the database.
printf '[store]\npath = %s\n' "$DB" >"$T/gatehouse.conf"
D="$T/import"
mkdir -p "$D"
printf '%s\n' "$H" 'a1@example.com,A1,,Unit 1,yes' 'a2@example.com,A2,,Unit 2,' \
    'a3@example.com,A3,,,' 'a4@example.com,A4,,,' 'a6@example.com,A6,,Unit 3,' >"$D/rentroll.csv"
printf '%s\n' "$H" 'a1@example.com,A1,,Unit 1,yes' >"$D/zz-cut.csv"
touch -d '1 minute ago' "$D/rentroll.csv"    # older: synced first
echo "not an export" >"$D/notes.txt"
EXEC=$(sed -n 's/^ExecStart=//p' "$SVC")
ARGS=${EXEC#* }
[ "$ARGS" = /var/lib/gatehouse/import ] || fail "unexpected ExecStart arguments: $ARGS"
ENVV=$(sed -n 's/^Environment=GATEHOUSE_CONFIG=//p' "$SVC")
[ -n "$ENVV" ] || fail "no GATEHOUSE_CONFIG in the service"
OUT0=$(outbox_count)
CHECK="gatehouse-import-sync"
set +e
env -i PATH=/usr/bin:/bin GATEHOUSE_CONFIG="$T/gatehouse.conf" GATEHOUSECTL="$GHCTL" \
    GH_IMPORT_SETTLE_S=0 "$SCRIPT" "$D" >"$T/out" 2>"$T/err"
RC=$?; set -e
rc 1     # one file failed
out_has "rentroll.csv -> done/"; out_has "zz-cut.csv -> failed/"
[ -f "$D/notes.txt" ] || fail "a file that is not a CSV was moved"
ls "$D"/*.csv 2>/dev/null && fail "a .csv was left in the drop folder"
set -- "$D"/done/*-rentroll.csv; [ -f "$1" ] || fail "rentroll.csv not in done/"
[ -f "$1.log" ] || fail "no log beside done/ $1"
grep -q "1 moved out" "$1.log" || fail "done log lacks the summary: $(cat "$1.log")"
grep -q '^moved out  *a5@example.com' "$1.log" || fail "done log lacks the table"
grep -q '^overlocked  *a1@example.com  *Unit 1$' "$1.log" || fail "done log lacks the overlock"
set -- "$D"/failed/*-zz-cut.csv; [ -f "$1" ] || fail "zz-cut.csv not in failed/"
grep -q "the file may be cut short" "$1.log" || fail "failed log lacks the reason"
ok --json occupant show a5@example.com
py 'j["state"] == "inactive"'
ok --json occupant show a6@example.com
py 'j["units"] == ["Unit 3"]'
ok --json occupant show a4@example.com
py 'j["state"] == "active"'
# Two summaries (done, failed), each to both digest_to addresses.
[ "$(outbox_count)" = $((OUT0 + 5)) ] || fail "expected 4 summary messages and a6's welcome"
ok --json outbox list
py 'sorted(m["to"] for m in j if m["kind"] == "import_summary") == ["office@example.com", "office@example.com", "owner@example.com", "owner@example.com"]'
py 'any("failed: zz-cut.csv" in m["subject"] for m in j) and any("done: rentroll.csv" in m["subject"] for m in j)'
ok log --limit 60
out_has "import.mailed"

# Nothing new: the script does nothing and succeeds.
CHECK="gatehouse-import-sync, empty folder"
set +e
env -i PATH=/usr/bin:/bin GATEHOUSE_CONFIG="$T/gatehouse.conf" GATEHOUSECTL="$GHCTL" \
    GH_IMPORT_SETTLE_S=0 "$SCRIPT" "$D" >"$T/out" 2>"$T/err"
RC=$?; set -e
rc 0
ok log verify
echo PASS
