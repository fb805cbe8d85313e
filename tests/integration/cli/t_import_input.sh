# gatehousectl import, input that means one thing (issue 11): a quote that
# is never closed refuses the whole file, naming the line where it opened,
# and nothing is imported; a NUL byte refuses its row, with the line; a
# database failure mid-way says how many rows were committed and from which
# line to go on.
. "$(dirname "$0")/lib.sh"

ok init

# The issue's file: the stray quote on line 2 swallowed c2 and c3 silently.
printf 'email,name,phone,unit\nc1@x.test,"Unterminated,,\nc2@x.test,C2,,\nc3@x.test,C3,,\nc4@x.test,"C4",,\n' >"$T/q1.csv"
CHECK="stray quote closed later"; ctl import "$T/q1.csv"; rc 1
err_has "line 2: a quote opened on this line is not closed"
err_has "nothing was imported"
ok --json occupant list
py 'len(j) == 0'
# Never closed at all, after good rows: still nothing imported.
printf 'email,name,phone,unit\nok1@x.test,Ok,,\nok2@x.test,Ok,,\nc1@x.test,"Unterminated,,\nc2@x.test,C2,,\n' >"$T/q2.csv"
CHECK="quote never closed"; ctl import "$T/q2.csv"; rc 1
err_has "line 4: a quote opened on this line is not closed"
ok --json occupant list
py 'len(j) == 0'
# A quote that swallows a line end into a record with too few fields.
printf 'email,name,phone,unit\nc1@x.test,"Unterminated,,\nc2@x.test,C2,,"\nc3@x.test,C3,,\n' >"$T/q3.csv"
CHECK="quote over a line end, wrong shape"; ctl import "$T/q3.csv"; rc 1
err_has "line 2: a quote opened"
# A quoted field over a line end in a record of the right shape is one
# field: the row is refused by the name rule, the others are imported.
printf 'email,name,phone,unit\nc1@x.test,"Two\nLines",,\nc2@x.test,C2,,\n' >"$T/q4.csv"
CHECK="quoted line break, right shape"; ctl import "$T/q4.csv" --no-welcome; rc 1
err_has "line 2: name"
ok occupant show c2@x.test
# Quotes inside an unquoted field are text.
printf 'email,name,phone,unit\nq@x.test,Bob "The Builder" Jones,,\n' >"$T/q5.csv"
ok import "$T/q5.csv" --no-welcome
ok --json occupant show q@x.test
py 'j["name"] == "Bob \"The Builder\" Jones"'

# NUL bytes: the row is refused with its line, not cut short at the NUL.
printf 'email,name,phone,unit\nn1@x.test,Nul\000Name,,\nn2@x.test,N2,,\nn3@x.test\000,N3,,\n\000\n' >"$T/n.csv"
CHECK="NUL bytes"; ctl import "$T/n.csv" --no-welcome; rc 1
err_has "line 2: name: contains a NUL byte"
err_has "line 4: email: contains a NUL byte"
err_has "line 5: "
err_has "3 row(s) skipped"
refused occupant show n1@x.test
refused occupant show n3@x.test
ok occupant show n2@x.test
printf 'email,na\000me,phone,unit\nx@x.test,X,,\n' >"$T/nh.csv"
refused import "$T/nh.csv"
err_has "line 1: the header contains a NUL byte"

# A failure mid-way: the database refuses new accounts after 1,200 (a
# trigger standing in for a full disk). The rows committed stay, the output
# says how many and the line to go on from, and running again finishes.
"$PY" -c '
print("email,name,phone,unit")
for i in range(3000): print(f"m{i}@x.test,M {i},,")' >"$T/big.csv"
sql "CREATE TRIGGER t_full BEFORE INSERT ON accounts WHEN (SELECT count(*) FROM accounts) >= 1200 BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;"
BEFORE=$(sql "SELECT count(*) FROM accounts")
CHECK="import stopped mid-way"; ctl import "$T/big.csv" --no-welcome; rc 1
err_has "database or disk is full"
grep -qE 'import stopped: [0-9]+ row\(s\) were committed' "$T/err" || fail "no committed count"
N=$(sed -n 's/.*import stopped: \([0-9]*\) row(s) were committed.*/\1/p' "$T/err")
L=$(sed -n 's/.*import from line \([0-9]*\) on.*/\1/p' "$T/err")
AFTER=$(sql "SELECT count(*) FROM accounts")
[ "$N" -gt 0 ] || fail "nothing committed before the failure"
[ "$((AFTER - BEFORE))" = "$N" ] || fail "said $N committed, database has $((AFTER - BEFORE)) new"
[ "$L" = "$((N + 2))" ] || fail "resume line $L, expected $((N + 2)) (header + $N rows)"
# The row on the resume line is the first one not in the database.
sql "SELECT count(*) FROM accounts WHERE email = 'm$((N - 1))@x.test'" | grep -qx 1 || fail "last committed row missing"
sql "SELECT count(*) FROM accounts WHERE email = 'm$N@x.test'" | grep -qx 0 || fail "row on the resume line was committed"
sql "DROP TRIGGER t_full"
ok import "$T/big.csv" --no-welcome
out_has "$((3000 - N)) created"
ok log verify

# A dry run works on a throw-away snapshot: the real database is not
# written (nor write-locked) and the snapshot is gone afterwards.
printf 'email,name,phone,unit\ndry1@x.test,D,,\ndry2@x.test,D,,\n' >"$T/dry.csv"
mkdir "$T/tmpd"
CHECK="dry run"
TMPDIR="$T/tmpd" "$GHCTL" --db "$DB" import "$T/dry.csv" --dry-run >"$T/out" 2>"$T/err" || fail "dry run failed"
out_has "2 created"
[ -z "$(ls -A "$T/tmpd")" ] || fail "dry run left files: $(ls -A "$T/tmpd")"
refused occupant show dry1@x.test
echo PASS
