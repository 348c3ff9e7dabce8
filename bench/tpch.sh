#!/usr/bin/env bash
# `make bench-tpch`: the 22 TPC-H queries (bench/tpch/queries) through the lake engine (`lake
# query`), DuckDB and raw Polars SQL, interleaved, in one run, in two views: *engine* (DuckDB
# and Polars read the lake's own files, so only the engines differ) and *end to end for a user*
# (they read the files as generated; the lake's import time is printed beside); checks every
# answer against DuckDB's and prints per-query medians, ratios and peak memory.
#   SF=1 (scale factor)  RUNS=3 (timed runs after one warm-up)  QUERIES="1 6 14" (a subset)
#   PARTITION=1 (lineitem and orders partitioned by year; 0 for the files as generated)
#   ESTIMATES_ONLY=1 (only the table of row-estimate misses, lake against DuckDB)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=bench/build.sh
. "$root/bench/build.sh"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/datapunk-lake/target}
SF=${SF:-1}
out=${BENCH_OUT:-$here/out}
mkdir -p "$out"
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  echo "== building lake (release profile 'bench')"
  bench_build -q -p lake-cli
fi
LAKE="$CARGO_TARGET_DIR/release/lake"
if ! "$here/.venv/bin/python" -c 'import duckdb, polars, tpchgen_cli' 2>/dev/null; then
  [ -x "$here/.venv/bin/python" ] || python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install -q duckdb polars tpchgen-cli
fi
data="$out/tpch-sf$SF"
if [ ! -e "$data/lineitem.parquet" ]; then
  echo "== generating TPC-H SF$SF with tpchgen-cli"
  "$here/.venv/bin/tpchgen-cli" parquet -s "$SF" --output-dir "$data"
fi
# PARTITION=1 (default): lineitem and orders split by the year of their ship and order dates
# (`import --partition-by`), as a user would lay out time-ranged data; PARTITION=0: one
# dataset per file as is.
if [ "${PARTITION:-1}" = 1 ]; then
  lake="$out/tpch-sf$SF-lake-partitioned"
else
  lake="$out/tpch-sf$SF-lake"
fi
if [ ! -e "$lake/catalog.sqlite" ]; then
  echo "== importing into a lake ($lake)"
  t0=$(date +%s%N)
  "$LAKE" --lake "$lake" init >/dev/null
  if [ "${PARTITION:-1}" = 1 ]; then
    for t in customer nation part partsupp region supplier; do
      "$LAKE" --lake "$lake" import "$data/$t.parquet"
    done
    "$LAKE" --lake "$lake" import --partition-by l_shipdate "$data/lineitem.parquet"
    "$LAKE" --lake "$lake" import --partition-by o_orderdate "$data/orders.parquet"
  else
    "$LAKE" --lake "$lake" import "$data"/*.parquet
  fi
  # Kept beside the lake, so a later run (which reuses the lake) still shows it.
  echo $(( ($(date +%s%N) - t0) / 1000000 )) >"$lake.import-ms"
fi
import_ms=$(cat "$lake.import-ms" 2>/dev/null || echo 0)
"$here/.venv/bin/python" "$here/tpch_bench.py" --lake-bin "$LAKE" --lake "$lake" --data "$data" \
  --queries "$here/tpch/queries" --runs "${RUNS:-3}" --out "$out/tpch-sf$SF-results.json" --import-ms "$import_ms" \
  ${QUERIES:+--only $QUERIES} ${ESTIMATES_ONLY:+--estimates-only}
