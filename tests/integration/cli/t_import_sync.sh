# gatehousectl import --sync (issue 18): the file is the complete list of
# current tenants. Move-out of a tenant an import made (units vacated,
# account inactive, not blocked, logged), never of one with a unit rented
# by hand; re-move-in; a unit that passes between tenants in one file; the
# 20% guard (exit 1, nothing changed) and --force; --dry-run's table and
# --json, writing nothing; overlock on and off from the delinquent column.
. "$(dirname "$0")/lib.sh"

small_site
ok location add "Unit 4" --parent "Building A" --door unit
ok location add "Unit 5" --parent "Building A" --door unit
ok occupant add --email hand@example.com
ok unit rent "Unit 5" --occupant hand@example.com
ok occupant add --email mixed@example.com

H='email,name,phone,unit,delinquent'
# Tenants who stay in every file, so one or two move-outs stay under 20%.
more() { for i in 1 2 3 4 5; do echo "x$i@example.com,X$i,,,"; done >>"$1"; }
printf '%s\n' "$H" 'ann@example.com,Ann,,Unit 1,no' 'bob@example.com,Bob,,Unit 2,$1,250.00' \
    'cat@example.com,Cat,,Unit 3,' 'dan@example.com,Dan,,,0' 'eve@example.com,Eve,,,false' \
    'fay@example.com,Fay,,,' 'gus@example.com,Gus,,,' 'hal@example.com,Hal,,,' \
    'hand@example.com,Hand,,,' 'mixed@example.com,Mixed,,Unit 4,' >"$T/s1.csv"
more "$T/s1.csv"
# "$1,250.00" unquoted is two fields: the row is refused, naming its line.
CHECK="sync s1"; ctl import "$T/s1.csv" --sync --no-welcome; rc 1
err_has "line 3: expected 5 fields, found 6"
out_has "12 created"
sed -i 's/\$1,250.00/"$1,250.00"/' "$T/s1.csv"
ok import "$T/s1.csv" --sync --no-welcome
out_has "1 created"; out_has "1 overlocked"
grep -q '^overlocked  *bob@example.com  *Unit 2$' "$T/out" || fail "table lacks bob's overlock"
refused --json door check "Unit 2" --as bob@example.com
py 'j["allowed"] == False and j["reason"] == "Your unit is locked for an overdue balance; please see the office."'
ok door check Gate --as bob@example.com
out_has allowed

# Dry run of the next file: the table says what would happen, nothing is
# written. cat leaves Unit 3 and ann takes it; dan is gone; bob paid.
printf '%s\n' "$H" 'ann@example.com,Ann,,Unit 1,no' 'ann@example.com,Ann,,Unit 3,no' \
    'bob@example.com,Bob,,Unit 2,0.00' 'cat@example.com,Cat,,,' 'eve@example.com,Eve,,,' \
    'fay@example.com,Fay,,,' 'gus@example.com,Gus,,,' 'hal@example.com,Hal,,,' >"$T/s2.csv"
more "$T/s2.csv"
LOG0=$(log_count)
ok import "$T/s2.csv" --sync --dry-run
out_has "dry run, nothing written"
grep -q '^moved out  *dan@example.com' "$T/out" || fail "table lacks dan's move-out"
grep -q '^changed  *cat@example.com  *vacated Unit 3$' "$T/out" || fail "table lacks cat's vacated unit"
grep -q '^changed  *ann@example.com  *unit Unit 3$' "$T/out" || fail "table lacks ann's new unit"
grep -q '^released  *bob@example.com  *Unit 2$' "$T/out" || fail "table lacks bob's release"
out_lacks "hand@example.com"
grep -q '^moved out  *mixed@example.com  *Unit 4$' "$T/out" || fail "table lacks mixed's move-out"
[ "$(log_count)" = "$LOG0" ] || fail "dry run wrote to the log"
ok --json import "$T/s2.csv" --sync --dry-run
py 'j["dry_run"] and j["moved_out"] == 2 and j["released"] == 1 and {"change": "moved_out", "email": "dan@example.com", "what": ""} in j["changes"]'
ok --json occupant show dan@example.com
py 'j["state"] == "active"'

# The real run: the same changes.
ok import "$T/s2.csv" --sync
out_has "2 moved out"; out_has "1 released"
ok --json occupant show dan@example.com
py 'j["state"] == "inactive" and j["units"] == []'
ok --json occupant show ann@example.com
py 'sorted(j["units"]) == ["Unit 1", "Unit 3"]'
ok --json occupant show cat@example.com
py 'j["units"] == [] and j["state"] == "active"'
# hand's unit was rented by hand: absent, but not moved out. mixed was
# added by hand but rents only a unit an import rented: moved out.
ok --json occupant show hand@example.com
py 'j["state"] == "active" and j["units"] == ["Unit 5"]'
ok --json occupant show mixed@example.com
py 'j["state"] == "inactive" and j["units"] == []'
ok door check "Unit 2" --as bob@example.com
out_has allowed
ok log --limit 40
out_has "import.move_out"; out_has "absent from s2.csv"

# Re-move-in: dan is back, with a unit.
printf '%s\n' "$H" 'ann@example.com,Ann,,Unit 1,' 'ann@example.com,Ann,,Unit 3,' \
    'bob@example.com,Bob,,Unit 2,' 'cat@example.com,Cat,,,' 'dan@example.com,Dan,,Unit 4,' \
    'eve@example.com,Eve,,,' 'fay@example.com,Fay,,,' 'gus@example.com,Gus,,,' \
    'hal@example.com,Hal,,,' >"$T/s3.csv"
more "$T/s3.csv"
ok import "$T/s3.csv" --sync
grep -q '^changed  *dan@example.com  *moved in again, unit Unit 4$' "$T/out" || fail "no re-move-in"
ok --json occupant show dan@example.com
py 'j["state"] == "active" and j["units"] == ["Unit 4"]'
# The same file again: nothing at all.
LOG1=$(log_count)
ok import "$T/s3.csv" --sync
out_has "0 created, 0 updated, 14 unchanged, 0 skipped; 0 moved out"
[ "$(log_count)" = "$LOG1" ] || fail "an unchanged sync wrote to the log"

# The guard: a file cut short after two rows would move out 12 of 13.
head -n 3 "$T/s3.csv" >"$T/cut.csv"
LOG2=$(log_count)
refused import "$T/cut.csv" --sync
err_has "the file may be cut short"; err_has "move out 12 of the 13 imported tenants"
ok --json occupant show eve@example.com
py 'j["state"] == "active"'
[ "$(log_count)" = $((LOG2 + 1)) ] || fail "the refusal should be the one log entry"
ok import "$T/cut.csv" --sync --force
out_has "12 moved out"
ok --json occupant show eve@example.com
py 'j["state"] == "inactive"'
usage import "$T/cut.csv" --force
# A blocked tenant moved out stays blocked (inactive never unblocks).
ok import "$T/s3.csv" --sync
ok occupant set-state fay@example.com blocked
ok import "$T/cut.csv" --sync --force
ok --json occupant show fay@example.com
py 'j["state"] == "blocked"'

# --adopt: hand was added by hand with a unit rented by hand, so no sync
# moves them out; once a file lists them with --adopt, the next one can.
printf '%s\n' "$H" 'hand@example.com,Hand,,Unit 5,' >"$T/adopt.csv"
more "$T/adopt.csv"
ok import "$T/adopt.csv" --adopt
grep -q '^changed  *hand@example.com  *adopted$' "$T/out" || fail "hand not adopted"
ok import "$T/adopt.csv" --adopt
out_lacks "adopted"
more "$T/noh.csv"
sed -i '1i '"$H" "$T/noh.csv"
ok import "$T/noh.csv" --sync --force
grep -q '^moved out  *hand@example.com  *Unit 5$' "$T/out" || fail "adopted hand not moved out"
ok --json occupant show hand@example.com
py 'j["state"] == "inactive" and j["units"] == []'
ok log verify
echo PASS
