#!/bin/bash
# run_sync.sh: the door-code bench (doorcode_bench.c) with the kiosk's site
# sync running, side by side with sync idle (issue 20: "a kiosk's door
# decision time unchanged by sync").
#
#   bench/doorcode/run_sync.sh [BUILD_DIR] [BLOCK_PAIRS] [ROUNDS] [OCCUPANTS] [CHANGES_PER_S]
#
# A throw-away PostgreSQL cluster (tests/site/lib.sh: needs root and
# postgresql-15) holds the site; the bench's database (OCCUPANTS occupants
# with door codes, on a gh-relay-sim board) joins it as its first kiosk.
# Then blocks alternate, each a fresh doorcode-bench process whose sync
# thread is connected and listening:
#   idle  no change comes from the server (the thread still pushes the
#         bench's own writes: log-ins, codes used);
#   sync  a psql session numbers changes to accounts on the server at
#         CHANGES_PER_S (each its own commit and NOTIFY, like a kiosk's push:
#         a person blocked or unblocked), which the thread pulls and applies
#         into the same SQLite database while the door decisions are timed.
# The bench prints how far the last change number moved during its rounds.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)
pairs=${2:-3}
rounds=${3:-200}
occupants=${4:-10000}
rate=${5:-50}
SIM=$build/tests/sim/gh-relay-sim
BENCH=$build/bench/doorcode/doorcode-bench
for f in "$SIM" "$BENCH" "$build/kiosk/gatehousectl"; do
    [ -x "$f" ] || { echo "missing $f: build gh-relay-sim doorcode-bench gatehousectl" >&2; exit 2; }
done
. "$here/../../tests/site/lib.sh" "$build/kiosk/gatehousectl"
"$SIM" --socket "$T/sim.sock" --board dcttech:BENCH:2 >"$T/sim.out" 2>"$T/sim.err" </dev/null &
sim=$!
stream=
trap '[ -n "$stream" ] && kill $stream 2>/dev/null; kill $sim 2>/dev/null; wait 2>/dev/null; cleanup' EXIT
for _ in $(seq 100); do grep -qs '^ready' "$T/sim.out" && break; sleep 0.05; done
UMOCKDEV_DIR=$(sed -n 's/^UMOCKDEV_DIR=//p' "$T/sim.out")
[ -n "$UMOCKDEV_DIR" ] || { echo "simulator did not start" >&2; cat "$T/sim.err" >&2; exit 1; }
bench() {
    UMOCKDEV_DIR=$UMOCKDEV_DIR LD_PRELOAD=libumockdev-preload.so.0 \
        ASAN_OPTIONS=verify_asan_link_order=0 "$BENCH" "$T/A.db" BENCH "$@" 2>"$T/berr" ||
        { cat "$T/berr" >&2; exit 1; }
    grep -v '^doorcode-bench: made' "$T/berr" >&2 || true
}
kiosk A
bench 1 "$occupants" >/dev/null            # makes the database
ok A site init
ok A site join
out_has "first kiosk"
# The stream: one change a commit, numbered as a push numbers them, to the
# occupants other than the one whose code the bench types.
psql_site "CREATE FUNCTION bench_change(i int) RETURNS void LANGUAGE plpgsql AS \$\$
DECLARE r record; n bigint;
BEGIN
  PERFORM pg_advisory_xact_lock($((0x67680014)));
  SELECT tbl, gid, data INTO r FROM site_rows WHERE tbl = 'accounts'
    AND data->>'email_key' = 'bench' || (1 + i % 999) || '@example.com';
  r.data := jsonb_set(r.data, '{state}', to_jsonb(CASE WHEN i % 2 = 0 THEN 'blocked' ELSE 'active' END));
  SELECT coalesce(max(num), 0) + 1 INTO n FROM site_changes;
  INSERT INTO site_changes (num, change_id, kiosk, tbl, gid, op, data)
    VALUES (n, 'bench-' || n, 'B', r.tbl, r.gid, 'upsert', r.data);
  UPDATE site_rows SET data = r.data, num = n WHERE tbl = r.tbl AND gid = r.gid;
END \$\$" >/dev/null
"$PY" - "$T/stream.sql" "$rate" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(200000):
        f.write(f"SELECT bench_change({i});\nSELECT pg_sleep({1 / float(sys.argv[2]):.4f});\n")
PY
echo "doorcode bench with site sync: $pairs x (idle, sync) blocks of $rounds rounds," \
     "$occupants occupants, stream $rate changes/s"
for b in $(seq "$pairs"); do
    echo "--- block $b idle (sync thread running, no change from the server; last change $(psql_site 'SELECT max(num) FROM site_changes'))"
    bench "$rounds" "$occupants" "$T/A.conf"
    psql -X -q -At -h 127.0.0.1 -p "$PORT" -U postgres -d site -f "$T/stream.sql" >/dev/null 2>&1 &
    stream=$!
    sleep 1
    echo "--- block $b sync (a stream of $rate changes/s applied meanwhile)"
    bench "$rounds" "$occupants" "$T/A.conf"
    kill $stream; wait $stream 2>/dev/null || true; stream=
    echo "(stream stopped; last change $(psql_site 'SELECT max(num) FROM site_changes'))"
done
