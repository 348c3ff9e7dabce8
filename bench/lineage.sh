#!/usr/bin/env bash
# The lineage graph at 1,000 datasets (N=1000 by default), release build:
#  - a lake with one imported dataset `hub` and N-1 datasets derived from it, as a tree (each
#    reads the one three places up: depth about log3 N), made with `lake create`;
#  - the engine: `lake lineage hub --json --depth 10` (every node), median of RUNS;
#  - the app, in the real window under Xvfb: the Lineage tab's graph, from choosing depth 10 to
#    the frame that shows all N nodes (the command, the layout and the paint), median of RUNS;
#    the same with the Columns mode on.
# The issue's goal: drawn in < 500 ms. No peer runs here (dbt docs and Marquez are web
# services); the figures are absolute. Prints a table and writes bench/out/lineage.json.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=bench/build.sh
. "$root/bench/build.sh"
: "${CARGO_TARGET_DIR:=$HOME/.cache/datapunk-lake/target}"
export CARGO_TARGET_DIR NO_AT_BRIDGE=1
N=${N:-1000}
RUNS=${RUNS:-5}
# BENCH_NO_BUILD=1 uses the binaries already built; BENCH_PROFILE=debug measures the debug
# build (the page's drawing is the same JavaScript; the engine's part is slower there).
profile=${BENCH_PROFILE:-release}
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  npm --prefix ui run build >/dev/null
  if [ "$profile" = debug ]; then
    (cd "$root" && cargo build -p lake-app -p lake-cli)
  else
    bench_build -p lake-app -p lake-cli
  fi
fi
app="$CARGO_TARGET_DIR/$profile/datapunk-lake"
lake_bin="$CARGO_TARGET_DIR/$profile/lake"
out="$root/bench/out/lineage"
lake="$out/lake"
# BENCH_KEEP_LAKE=1 reuses the lake a previous run made (its making is not timed then).
if [ "${BENCH_KEEP_LAKE:-0}" = 1 ] && [ -f "$out/made-$N" ]; then
  echo "$profile build; the lake of $N datasets made before"
  make_ms=0
else
  rm -rf "$out" && mkdir -p "$out/home"
  echo "$profile build; making a lake with 1 imported and $((N - 1)) derived datasets"
  printf 'id,name\n1,a\n2,b\n3,c\n' >"$out/hub.csv"
  "$lake_bin" --lake "$lake" import --name hub "$out/hub.csv" >/dev/null
  t0=$(date +%s%N)
  for i in $(seq 1 $((N - 1))); do
    p=$(( (i - 1) / 3 ))
    if [ "$p" -eq 0 ]; then parent=hub; else parent=$(printf 'd%04d' "$p"); fi
    "$lake_bin" --lake "$lake" create "$(printf 'd%04d' "$i")" "SELECT id, name FROM $parent" >/dev/null
  done
  make_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  touch "$out/made-$N"
fi
export XDG_CONFIG_HOME="$out/home/config" XDG_DATA_HOME="$out/home/data" XDG_CACHE_HOME="$out/home/cache"

engine=()
for _ in $(seq "$RUNS"); do
  t0=$(date +%s%N)
  "$lake_bin" --lake "$lake" lineage hub --json --depth 10 >"$out/graph.json"
  engine+=($(( ($(date +%s%N) - t0) / 1000000 )))
done
nodes=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["nodes"]))' "$out/graph.json")

driver=$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")
xvfb-run -a -s '-screen 0 1280x800x24' bash -c '
  "$0" --port 4448 --native-port 4449 --native-driver /usr/bin/WebKitWebDriver >"$1/driver.log" 2>&1 &
  drv=$!
  trap "kill $drv 2>/dev/null || true" EXIT
  node "$2/bench/lineage_bench.mjs" "$3" "$4" "$1" "$5" "$6" "$7" "$8"
' "$driver" "$out" "$root" "$app" "$lake" "$nodes" "$RUNS" "${engine[*]}" "$make_ms"
