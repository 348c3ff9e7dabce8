#!/usr/bin/env bash
# `make bench-time`: the timeline's density counts at three zooms, this project against DuckDB
# on the same Parquet files (the lake's own), one run, ratios printed. Uses the CSV of
# `make bench` (generated here when missing; BENCH_SIZE_MB, 1024 by default: about 14M rows
# over 2024) imported into bench/out/lake-time.
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
if ! "$here/.venv/bin/python" -c 'import duckdb' 2>/dev/null; then
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install -q duckdb polars
fi
"$here/.venv/bin/python" -c "
import sys; sys.path.insert(0, '$here')
from bench import gen
gen('$out/data.csv', '$out/data.ndjson', int('${BENCH_SIZE_MB:-1024}'))"
if [ ! -d "$out/lake-time/data/t" ]; then
  rm -rf "$out/lake-time"
  "$LAKE" --lake "$out/lake-time" import --name t --no-profile "$out/data.csv" >/dev/null
fi
"$here/.venv/bin/python" "$here/timeline_bench.py" --lake-bin "$LAKE" --lake "$out/lake-time" --dataset t
"$here/.venv/bin/python" "$here/rollup_bench.py" --lake-bin "$LAKE" --lake "$out/lake-rollup" --csv "$out/data.csv"
