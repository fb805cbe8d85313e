#!/bin/sh
# bench-search: makes (once) a database of the occupants tests' accounts plus
# 100,000 generated occupants imported with `gatehousectl import
# --no-welcome`, then times search as you type on it (bench_search.c).
#   run.sh BENCH_SEARCH GATEHOUSECTL WORKDIR
# Environment: BENCH_ROWS (100000), BENCH_ROUNDS (4).
set -eu
bench=$1 ctl=$2 work=$3
rows=${BENCH_ROWS:-100000}
here=$(cd "$(dirname "$0")" && pwd)
tests=$here/../../tests/ui/occupants
db=$work/occupants-$rows.db
mkdir -p "$work"
if [ ! -f "$db" ]; then
  echo "bench-search: making $db ($rows occupants; once)"
  rm -f "$db.tmp" "$db.tmp-wal" "$db.tmp-shm"
  "$tests/setup.sh" "$ctl" "$db.tmp"
  /usr/bin/python3 "$tests/bulk_csv.py" "$rows" > "$work/bulk.csv"
  "$ctl" --db "$db.tmp" import "$work/bulk.csv" --no-welcome | tail -1
  "$ctl" --db "$db.tmp" backup "$db" > /dev/null
  rm -f "$db.tmp" "$db.tmp-wal" "$db.tmp-shm" "$work/bulk.csv"
fi
"$bench" "$db" "${BENCH_ROUNDS:-4}"
