#!/usr/bin/env bash
# bench-cli.sh: gatehousectl side by side with the sqlite3 CLI on one file.
#   bench-cli.sh /path/to/gatehousectl
# 1. generates a CSV of BENCH_ROWS tenants (default 100000; 200 of them with
#    a unit) and times `gatehousectl import --no-welcome`;
# 2. times an import of BENCH_WELCOME_ROWS rows with welcome mail (each one
#    hashes a setup code with the site key, a keyed BLAKE2b: Argon2id before
#    issue 11) and extrapolates to BENCH_ROWS;
# 3. times BENCH_N invocations each of `occupant show WHO` and
#    `door check DOOR --as WHO` against the sqlite3 CLI running the
#    equivalent indexed query on the same database, and prints the ratios
#    (target: gatehousectl within 3x of sqlite3 per invocation).
set -euo pipefail
CTL=${1:?usage: $0 /path/to/gatehousectl}
ROWS=${BENCH_ROWS:-100000}
N=${BENCH_N:-200}
WROWS=${BENCH_WELCOME_ROWS:-300}
UNITS=200
PY=/usr/bin/python3
T=$(mktemp -d "${TMPDIR:-/tmp}/ghbench.XXXXXX")
trap 'rm -rf "$T"' EXIT
DB=$T/bench.db

now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }

echo "== setup: a site with $UNITS units"
"$CTL" --db "$DB" init >/dev/null
"$CTL" --db "$DB" location add Site >/dev/null
"$CTL" --db "$DB" location add Gate --parent Site --door common --relay BENCH:1 >/dev/null
for i in $(seq 1 $UNITS); do
    "$CTL" --db "$DB" location add "U$i" --parent Site --door unit >/dev/null
done

echo "== generating $ROWS rows"
"$PY" - "$T/big.csv" "$ROWS" "$UNITS" <<'PYEOF'
import sys
path, rows, units = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "w", encoding="utf-8", newline="") as f:
    f.write("email,name,phone,unit\r\n")
    for i in range(1, rows + 1):
        unit = f"U{i}" if i <= units else ""
        f.write(f'tenant{i}@bench.example,"Tenant {i}, Esq.",+4477{i:08d},{unit}\r\n')
PYEOF

echo "== import $ROWS rows --no-welcome"
t0=$(now)
"$CTL" --db "$DB" import "$T/big.csv" --no-welcome
t1=$(now)
IMPORT_S=$(secs "$t0" "$t1")
echo "import: $IMPORT_S s for $ROWS rows"
t0=$(now)
"$CTL" --db "$DB" import "$T/big.csv" --no-welcome
t1=$(now)
REIMPORT_S=$(secs "$t0" "$t1")
echo "second run (no changes): $REIMPORT_S s"

echo "== import $WROWS rows with welcome mail (keyed hash per setup code)"
"$PY" - "$T/welcome.csv" "$WROWS" <<'PYEOF'
import sys
path, rows = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("email,name,phone,unit\n")
    for i in range(1, rows + 1):
        f.write(f"w{i}@bench.example,W {i},,\n")
PYEOF
t0=$(now)
"$CTL" --db "$DB" import "$T/welcome.csv" >/dev/null
t1=$(now)
W_S=$(secs "$t0" "$t1")
W_MS=$(awk -v s="$W_S" -v n="$WROWS" 'BEGIN { printf "%.1f", s * 1000 / n }')
W_EXTRA=$(awk -v s="$W_S" -v n="$WROWS" -v r="$ROWS" 'BEGIN { printf "%.0f", s / n * r }')
echo "welcome: $W_S s for $WROWS rows = $W_MS ms/row; $ROWS rows would take ~$W_EXTRA s"

# The whole file again WITH welcome mail, into a fresh database, while
# another process writes the way an unlock does (a short transaction with a
# log entry: `settings set`) every 200 ms: how long the import takes, and
# how long those writes waited for the write lock (issue 11: under 250 ms;
# each write below includes starting gatehousectl, ~20 ms).
FROWS=${BENCH_WELCOME_FULL_ROWS:-$ROWS}
echo "== import $FROWS rows WITH welcome mail, writes from another process meanwhile"
WDB=$T/welcome-full.db
"$CTL" --db "$WDB" init >/dev/null
head -n $((FROWS + 1)) "$T/big.csv" | sed 's/,U[0-9]*\r$/,\r/' >"$T/full.csv"
t0=$(now)
"$CTL" --db "$WDB" import "$T/full.csv" >/dev/null 2>"$T/full.err" &
IMP=$!
WRITES=0; WFAIL=0; WMAX=0; WSUM=0
sleep 0.5
while kill -0 "$IMP" 2>/dev/null; do
    a=$(now)
    if "$CTL" --db "$WDB" settings set kiosk_name "Bench $WRITES" >/dev/null 2>&1; then :; else WFAIL=$((WFAIL + 1)); fi
    b=$(now)
    ms=$(( (b - a) / 1000000 ))
    WRITES=$((WRITES + 1)); WSUM=$((WSUM + ms))
    [ "$ms" -gt "$WMAX" ] && WMAX=$ms
    sleep 0.2
done
wait "$IMP" || { echo "import with welcome failed:"; cat "$T/full.err"; }
t1=$(now)
FULL_S=$(secs "$t0" "$t1")
WAVG=$(( WRITES ? WSUM / WRITES : 0 ))
echo "with welcome: $FULL_S s for $FROWS rows; $WRITES writes meanwhile, $WFAIL failed, longest $WMAX ms, mean $WAVG ms"

WHO=tenant$((ROWS / 2))@bench.example
# Per-invocation: N runs, sequential, wall clock.
per_run() {   # label, command...
    local label=$1; shift
    "$@" >/dev/null 2>&1 || true
    local a b
    a=$(now)
    for _ in $(seq 1 "$N"); do "$@" >/dev/null 2>&1 || true; done
    b=$(now)
    awk -v a="$a" -v b="$b" -v n="$N" 'BEGIN { printf "%.3f", (b - a) / n / 1e6 }'
}
echo "== $N invocations each"
CTL_SHOW=$(per_run show "$CTL" --db "$DB" occupant show "$WHO")
SQL_SHOW=$(per_run sqlshow sqlite3 "$DB" \
  "SELECT a.id, a.email, a.name, a.phone, a.state, a.access, g.name FROM accounts a
   LEFT JOIN groups g ON g.id = a.group_id WHERE a.email_key = '$WHO';")
CTL_DOOR=$(per_run door "$CTL" --db "$DB" door check U1 --as tenant1@bench.example)
SQL_DOOR=$(per_run sqldoor sqlite3 "$DB" \
  "SELECT a.state, a.access, l.door_kind, l.tenant_account, l.tenant_group
   FROM accounts a, locations l
   WHERE a.email_key = 'tenant1@bench.example' AND l.name_key = 'u1';")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf '\n%-34s %10s %10s %7s\n' "per invocation (ms)" gatehousectl sqlite3 ratio
printf '%-34s %10s %10s %7sx\n' "occupant show WHO" "$CTL_SHOW" "$SQL_SHOW" "$(ratio "$CTL_SHOW" "$SQL_SHOW")"
printf '%-34s %10s %10s %7sx\n' "door check DOOR --as WHO" "$CTL_DOOR" "$SQL_DOOR" "$(ratio "$CTL_DOOR" "$SQL_DOOR")"
# Instruction counts (callgrind) do not move with the machine's load, so
# they give a second, steadier ratio (user space only: exec and page
# faults are the kernel's and not counted).
if command -v valgrind >/dev/null; then
    irefs() {
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
            awk '/Collected/ { gsub(",", "", $NF); print $NF }'
    }
    I_CTL_SHOW=$(irefs "$CTL" --db "$DB" occupant show "$WHO")
    I_SQL_SHOW=$(irefs sqlite3 "$DB" "SELECT a.id, a.email, a.name, a.phone, a.state, a.access, g.name
        FROM accounts a LEFT JOIN groups g ON g.id = a.group_id WHERE a.email_key = '$WHO';")
    I_CTL_DOOR=$(irefs "$CTL" --db "$DB" door check U1 --as tenant1@bench.example)
    I_SQL_DOOR=$(irefs sqlite3 "$DB" "SELECT a.state, a.access, l.door_kind, l.tenant_account,
        l.tenant_group FROM accounts a, locations l
        WHERE a.email_key = 'tenant1@bench.example' AND l.name_key = 'u1';")
    printf '\n%-34s %12s %12s %7s\n' "instructions per invocation" gatehousectl sqlite3 ratio
    printf '%-34s %12s %12s %7sx\n' "occupant show WHO" "$I_CTL_SHOW" "$I_SQL_SHOW" "$(ratio "$I_CTL_SHOW" "$I_SQL_SHOW")"
    printf '%-34s %12s %12s %7sx\n' "door check DOOR --as WHO" "$I_CTL_DOOR" "$I_SQL_DOOR" "$(ratio "$I_CTL_DOOR" "$I_SQL_DOOR")"
fi
printf '\n%-34s %s s\n' "import $ROWS rows (--no-welcome)" "$IMPORT_S"
printf '%-34s %s s\n' "import again (idempotent)" "$REIMPORT_S"
printf '%-34s %s ms/row (~%s s per %s rows)\n' "import with welcome mail" "$W_MS" "$W_EXTRA" "$ROWS"
printf '%-34s %s s for %s rows\n' "import with welcome mail, whole" "$FULL_S" "$FROWS"
printf '%-34s %s writes, %s failed, longest %s ms, mean %s ms\n' "unlock-like writes meanwhile" "$WRITES" "$WFAIL" "$WMAX" "$WAVG"
printf '%-34s %s\n' "database size" "$(du -h "$DB" | cut -f1)"
