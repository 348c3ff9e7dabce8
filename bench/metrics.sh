#!/usr/bin/env bash
# `make bench-metrics`: what recording metrics costs each TPC-H SF1 query, a repeated query
# answered from the result cache against DuckDB running it again, and `lake metrics` / `lake
# report` over a year of 100,000 recorded queries. One run; ratios printed.
# Uses the TPC-H SF1 lake of `make bench-tpch` and the CSV of `make bench` (made when missing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=bench/build.sh
. "$root/bench/build.sh"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/datapunk-lake/target}
out=${BENCH_OUT:-$here/out}
mkdir -p "$out"
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  echo "== building lake (release profile 'bench')"
  bench_build -q -p lake-cli
fi
LAKE="$CARGO_TARGET_DIR/release/lake"
if [ ! -e "$out/tpch-sf1-lake-partitioned/catalog.sqlite" ]; then
  BENCH_NO_BUILD=1 QUERIES=1 RUNS=1 bash "$here/tpch.sh" >/dev/null
fi
if [ ! -d "$out/lake-time/data/t" ]; then
  BENCH_NO_BUILD=1 bash "$here/time.sh" >/dev/null
fi
"$here/.venv/bin/python" "$here/metrics_bench.py" --lake-bin "$LAKE" --tpch-lake "$out/tpch-sf1-lake-partitioned" \
  --tpch-data "$out/tpch-sf1" --time-lake "$out/lake-time" --out "$out"
