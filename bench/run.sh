#!/usr/bin/env bash
# `make bench`: import throughput (CSV, NDJSON) and query overhead, this project against DuckDB
# and Polars (PyPI, in a venv made here), measured in one run. Prints ratios.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=bench/build.sh
. "$root/bench/build.sh"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/datapunk-lake/target}
SIZE_MB=${BENCH_SIZE_MB:-1024}
out=${BENCH_OUT:-$here/out}
mkdir -p "$out"
echo "== building lake (release profile 'bench')"
bench_build -q -p lake-cli
# Cargo writes the built-in `bench` profile to target/release.
LAKE="$CARGO_TARGET_DIR/release/lake"
if [ ! -x "$here/.venv/bin/python" ]; then
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install -q duckdb polars google_takeout_parser
fi
# A venv made before the Takeout bench lacks google_takeout_parser.
if ! "$here/.venv/bin/python" -c 'import duckdb, polars, google_takeout_parser' 2>/dev/null; then
  "$here/.venv/bin/pip" install -q duckdb polars google_takeout_parser
fi
"$here/.venv/bin/python" "$here/bench.py" --lake-bin "$LAKE" --out "$out" --size-mb "$SIZE_MB"
# Google Takeout: lake against google_takeout_parser and DuckDB (skipped without ../shared/takeout-gen).
# BENCH_TAKEOUT=0 leaves it out.
if [ "${BENCH_TAKEOUT:-1}" != 0 ]; then
  echo
  BENCH_NO_BUILD=1 BENCH_OUT="$out" bash "$here/takeout.sh"
fi
# The desktop app: cold start and idle memory against a Tauri hello-world, 1M rows to the grid.
# BENCH_APP=0 leaves it out.
if [ "${BENCH_APP:-1}" != 0 ]; then
  echo
  bash "$here/app.sh"
fi
