#!/usr/bin/env bash
# The Monitoring page over a year of metrics (N=100000 recorded queries by default, an import a
# day, 14 days of the app's memory samples), release build, in the real window under Xvfb:
#  - from choosing "Last year" to the frame that shows its figures and charts (the command, the
#    IPC, React and uPlot), median of RUNS; the issue's goal is < 300 ms. The app keeps the
#    log's queries between two reports and reads what was logged since (the whole log once, in
#    the background, after the page's first answer); opening the page and the first time the
#    year is chosen are printed apart (once each);
#  - the page's frame floor: two frames when nothing changes;
#  - of which the command alone (metrics_report, called from the page);
#  - the query history's first 200 runs (query_runs, called from the page);
#  - the engine outside the app: `lake metrics --since 365d --json` (process included).
# No peer runs here (DuckDB's UI and PEV2 are web pages that draw what a server sends); the
# figures are absolute. Prints a table and writes bench/out/monitor.json.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=bench/build.sh
. "$root/bench/build.sh"
: "${CARGO_TARGET_DIR:=$HOME/.cache/datapunk-lake/target}"
export CARGO_TARGET_DIR NO_AT_BRIDGE=1
N=${N:-100000}
RUNS=${RUNS:-5}
# BENCH_NO_BUILD=1 uses the binaries already built; BENCH_PROFILE=debug measures the debug build.
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
out="$root/bench/out/monitor"
lake="$out/lake"
rm -rf "$out" && mkdir -p "$out/home"
echo "$profile build; a lake with a year of $N recorded queries"
python3 "$root/bench/seed_metrics.py" "$lake_bin" "$lake" "$N"
export XDG_CONFIG_HOME="$out/home/config" XDG_DATA_HOME="$out/home/data" XDG_CACHE_HOME="$out/home/cache"

engine=()
for _ in $(seq "$RUNS"); do
  t0=$(date +%s%N)
  "$lake_bin" --lake "$lake" metrics --since 365d --json >"$out/metrics.json"
  engine+=($(( ($(date +%s%N) - t0) / 1000000 )))
done

driver=$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")
xvfb-run -a -s '-screen 0 1280x800x24' bash -c '
  "$0" --port 4450 --native-port 4451 --native-driver /usr/bin/WebKitWebDriver >"$1/driver.log" 2>&1 &
  drv=$!
  trap "kill $drv 2>/dev/null || true" EXIT
  node "$2/bench/monitor_bench.mjs" "$3" "$4" "$1" "$5" "$6" "$7"
' "$driver" "$out" "$root" "$app" "$lake" "$N" "$RUNS" "${engine[*]}"
