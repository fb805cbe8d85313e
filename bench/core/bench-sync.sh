#!/usr/bin/env bash
# bench-sync.sh: `import --sync` side by side with the plain import (issue 18).
#   bench-sync.sh /path/to/gatehousectl
# On one database of a site with 200 units:
#   1. the plain import of BENCH_ROWS tenants (default 100000) with a
#      delinquent column, --no-welcome, into an empty database;
#   2. the same file again (nothing changes);
#   3. `import --sync` of a file that changes 1% of them: 0.5% gone (moved
#      out), 0.3% renamed, 0.1% delinquent (overlocked), 0.1% new.
# During each run a sampler takes the write lock the way a door's unlock
# does (BEGIN IMMEDIATE, then ROLLBACK; retried every millisecond, like the
# store's busy handler) every 20 ms and records how long it waited: the longest wait is the longest the import held the lock (target
# ~100 ms). Target for 3: under 20 s.
set -euo pipefail
CTL=${1:?usage: $0 /path/to/gatehousectl}
ROWS=${BENCH_ROWS:-100000}
UNITS=200
PY=/usr/bin/python3
T=$(mktemp -d "${TMPDIR:-/tmp}/ghbsync.XXXXXX")
SAMPLER=
trap '[ -z "$SAMPLER" ] || kill "$SAMPLER" 2>/dev/null; rm -rf "$T"' EXIT
DB=$T/bench.db
export GATEHOUSE_CONFIG=/dev/null

now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }

echo "== setup: a site with $UNITS units"
"$CTL" --db "$DB" init >/dev/null
"$CTL" --db "$DB" location add Site >/dev/null
"$CTL" --db "$DB" location add Gate --parent Site --door common >/dev/null
for i in $(seq 1 $UNITS); do
    "$CTL" --db "$DB" location add "U$i" --parent Site --door unit >/dev/null
done

echo "== generating $ROWS rows, and the 1% changed file"
"$PY" - "$T" "$ROWS" "$UNITS" <<'PYEOF'
import sys
d, rows, units = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
gone = range(rows // 100, rows // 100 + rows // 200)              # 0.5%
renamed = range(rows // 50, rows // 50 + rows * 3 // 1000)        # 0.3%
late = rows // 1000                                               # 0.1%
def row(f, i, sync):
    unit = f"U{i}" if i <= units else ""
    name = f"Tenant {i}, Esq." + (" (renamed)" if sync and i in renamed else "")
    due = "$45.00" if sync and i <= late else "0.00"
    f.write(f'tenant{i}@bench.example,"{name}",+4477{i:08d},{unit},{due}\r\n')
with open(f"{d}/full.csv", "w") as f:
    f.write("email,name,phone,unit,delinquent\r\n")
    for i in range(1, rows + 1):
        row(f, i, False)
with open(f"{d}/sync.csv", "w") as f:
    f.write("email,name,phone,unit,delinquent\r\n")
    for i in range(1, rows + 1):
        if i not in gone:
            row(f, i, True)
    for i in range(rows + 1, rows + 1 + rows // 1000):
        f.write(f"tenant{i}@bench.example,New {i},,,\r\n")
PYEOF

# sampler OUT: takes the write lock every 20 ms until killed; on exit
# writes "N samples, longest wait X ms" to OUT.
sampler() {
    "$PY" - "$DB" "$1" <<'PYEOF' &
import signal, sqlite3, sys, time
db, out = sys.argv[1], sys.argv[2]
# No SQLite busy timeout: its sleeps grow to 100 ms and miss the short gaps
# an import leaves; poll every millisecond, as the store's busy handler does.
c = sqlite3.connect(db, timeout=0, isolation_level=None)
waits = []
def done(*_):
    with open(out, "w") as f:
        f.write(f"{len(waits)} samples, longest wait {max(waits or [0]):.0f} ms\n")
    sys.exit(0)
signal.signal(signal.SIGTERM, done)
while True:
    t0 = time.monotonic()
    while True:
        try:
            c.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError:
            time.sleep(0.001)
    waits.append((time.monotonic() - t0) * 1000)
    c.execute("ROLLBACK")
    time.sleep(0.02)
PYEOF
    SAMPLER=$!
}
stop_sampler() { kill "$SAMPLER"; wait "$SAMPLER" 2>/dev/null || true; SAMPLER=; cat "$1"; }

run() {   # run LABEL ARGS...: times one gatehousectl import with the sampler
    local label=$1; shift
    sampler "$T/lock.$label"
    local t0 t1; t0=$(now)
    "$CTL" --db "$DB" import "$@" | tail -n 1
    t1=$(now)
    echo "$label: $(secs "$t0" "$t1") s; write lock: $(stop_sampler "$T/lock.$label")"
}

echo "== 1. plain import, $ROWS rows, into the empty site"
run plain "$T/full.csv" --no-welcome
echo "== 2. the same file again (no changes)"
run again "$T/full.csv" --no-welcome
echo "== 3. --sync, 1% changed"
run sync "$T/sync.csv" --sync --no-welcome >"$T/sync.out"
grep -v '^\(added\|changed\|moved out\|overlocked\|released\|CHANGE\) ' "$T/sync.out"
