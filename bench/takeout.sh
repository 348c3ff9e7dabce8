#!/usr/bin/env bash
# `make bench-takeout` (also run by `make bench` through bench/run.sh): a synthetic ~1 GB Google
# Takeout export, parsed by google_takeout_parser (PyPI, in bench/.venv) from an unpacked copy and
# imported by `lake import` from the zip parts in place; then Records.json alone, `lake import`
# against DuckDB's read_ndjson of the same locations. Prints times, peak RSS, events and ratios,
# and writes them to bench/out/takeout-results.json.
#
# Environment:
#   SCALE=20            generator scale (about 50 MB uncompressed per 1.0); try SCALE=0.5
#   SEED=7              generator seed
#   GTP_MODES=cli,stream  `cli`: `google_takeout_parser parse --no-cache -a summary` (keeps every
#                       event in a list, as the CLI and its README do); `stream`: the Python API,
#                       counting events without keeping them (lower peak memory)
#   TAKEOUT_GEN=DIR     the takeout-gen folder (default: ../shared/takeout-gen from the repo root)
#   BENCH_OUT=DIR       output folder (default bench/out)
#   BENCH_NO_BUILD=1    use the existing release binary, do not run cargo
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=bench/build.sh
. "$root/bench/build.sh"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/datapunk-lake/target}
SCALE=${SCALE:-20}
SEED=${SEED:-7}
GTP_MODES=${GTP_MODES:-cli,stream}
GEN_DIR=${TAKEOUT_GEN:-$root/../shared/takeout-gen}
out=${BENCH_OUT:-$here/out}
mkdir -p "$out"

if [ ! -f "$GEN_DIR/gen_takeout.py" ]; then
  echo "== takeout bench: no generator at $GEN_DIR/gen_takeout.py (set TAKEOUT_GEN); a cached export is used if there is one"
  GEN_DIR=""
fi

if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  echo "== building lake (release profile 'bench')"
  bench_build -q -p lake-cli
fi
# Cargo writes the built-in `bench` profile to target/release.
LAKE="$CARGO_TARGET_DIR/release/lake"
if [ ! -x "$LAKE" ]; then
  echo "error: no lake binary at $LAKE (run without BENCH_NO_BUILD=1 to build it)" >&2
  exit 1
fi

if [ ! -x "$here/.venv/bin/python" ]; then
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install -q duckdb polars google_takeout_parser
fi
if ! "$here/.venv/bin/python" -c 'import duckdb, google_takeout_parser' 2>/dev/null; then
  echo "== installing duckdb and google_takeout_parser into bench/.venv"
  "$here/.venv/bin/pip" install -q duckdb google_takeout_parser
fi

exec "$here/.venv/bin/python" "$here/takeout_bench.py" --lake-bin "$LAKE" --out "$out" \
  --scale "$SCALE" --seed "$SEED" --gen-dir "$GEN_DIR" --gtp-modes "$GTP_MODES"
