#!/usr/bin/env bash
# `make bench-vector`: the nearest vectors by exact scan, the lake against DuckDB 1.4.4 (with
# and without its vss extension's HNSW index, loaded offline from the duckdb-ext-vss wheel), on
# N=100000 random vectors of DIM=384 (a .npy the lake imports; DuckDB reads the lake's own
# Parquet files, so both read the same bytes). Also the .npy import's time. Then the vector
# indexes (vector_index_bench.py): 200k x 128 clustered vectors, the lake's HNSW against hnswlib
# and USearch (PyPI): build time, peak memory, searches per second at recall@10 >= 0.95, and a
# filtered top-10 through SQL against the exact scan. Then text embeddings (text_embed_bench.py):
# `lake embed` on 200k generated texts against NumPy with the same model. One run; ratios.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=bench/build.sh
. "$root/bench/build.sh"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/datapunk-lake/target}
out=${BENCH_OUT:-$here/out}/vector
mkdir -p "$out"
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  echo "== building lake (release profile 'bench')"
  bench_build -q -p lake-cli
fi
venv="$here/.venv-vector"
if ! "$venv/bin/python" -c 'import duckdb, duckdb_ext, numpy, hnswlib, usearch' 2>/dev/null; then
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q duckdb==1.4.4 duckdb-ext-vss numpy hnswlib usearch
fi
"$venv/bin/python" "$here/vector_bench.py" --lake-bin "$CARGO_TARGET_DIR/release/lake" --out "$out" \
  --n "${N:-100000}" --dim "${DIM:-384}" --runs "${RUNS:-5}"
"$venv/bin/python" "$here/vector_index_bench.py" --lake-bin "$CARGO_TARGET_DIR/release/lake" \
  --out "$out/index" --n "${INDEX_N:-200000}" --dim "${INDEX_DIM:-128}" --queries "${INDEX_QUERIES:-1000}"
"$venv/bin/python" "$here/text_embed_bench.py" --lake-bin "$CARGO_TARGET_DIR/release/lake" --out "$out/text" \
  --model "${LAKE_TEXT_MODEL:-$HOME/.cache/datapunk-lake/text-model/glove-6b-50d.v1.dpte}" --n "${TEXTS:-200000}"
