#!/usr/bin/env bash
# `make bench-spatial`: the lake's R-tree against DuckDB 1.4.4 with its spatial extension (the
# `duckdb-ext-spatial` wheel, loaded offline) and SQLite's R*Tree (Python's sqlite3), on the
# same N random points (default 10 M) in one run. Prints times, sizes and ratios, and writes
# bench/out/spatial-results.json.
#
# Environment:
#   POINTS=10000000     how many points
#   BENCH_OUT=DIR       output folder (default bench/out)
#   BENCH_NO_BUILD=1    use the existing release binary, do not run cargo
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=bench/build.sh
. "$root/bench/build.sh"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/datapunk-lake/target}
POINTS=${POINTS:-10000000}
out=${BENCH_OUT:-$here/out}
mkdir -p "$out"
venv="$here/.venv-spatial"
if ! "$venv/bin/python" -c 'import duckdb, duckdb_ext, shapely, numpy' 2>/dev/null; then
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q duckdb==1.4.4 duckdb-ext-spatial shapely numpy
fi
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  echo "== building lake (release profile 'bench')"
  bench_build -q -p lake-cli
fi
LAKE="$CARGO_TARGET_DIR/release/lake"
"$venv/bin/python" "$here/spatial_bench.py" --lake-bin "$LAKE" --points "$POINTS" --out "$out"
