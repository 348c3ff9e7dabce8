#!/usr/bin/env bash
# The desktop app's speed, against a Tauri hello-world built the same way in the same run:
#  - cold start to interactive (process start → first screen painted), median of RUNS;
#  - idle memory (PSS of the app and its WebKit processes, 3 s after start);
#  - 1M rows × 10 columns from a query to the grid (Run clicked → first rows painted), through
#    the real window under Xvfb;
#  - the map on MAP_POINTS (10 M) random points: each pan or zoom, from the viewport query to
#    the frame that shows its answer, and the engine's part of it.
# Prints a table and writes bench/out/app-results.json. BENCH_NO_BUILD=1 uses the release
# binaries already built (the app embeds ui/dist: build the UI before them).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=bench/build.sh
. "$root/bench/build.sh"
: "${CARGO_TARGET_DIR:=$HOME/.cache/datapunk-lake/target}"
export CARGO_TARGET_DIR NO_AT_BRIDGE=1
RUNS=${RUNS:-5}
ROWS=${ROWS:-1000000}
MAP_POINTS=${MAP_POINTS:-10000000}
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  npm --prefix ui run build >/dev/null
  bench_build -p lake-app -p hello-tauri -p lake-cli
fi
app="$CARGO_TARGET_DIR/release/datapunk-lake"
hello="$CARGO_TARGET_DIR/release/hello-tauri"
lake_bin="$CARGO_TARGET_DIR/release/lake"
out="$root/bench/out/app"
rm -rf "$out" && mkdir -p "$out/home"
export XDG_CONFIG_HOME="$out/home/config" XDG_DATA_HOME="$out/home/data" XDG_CACHE_HOME="$out/home/cache"

echo "preparing a lake with $ROWS rows × 10 columns"
python3 - "$out/wide.csv" "$ROWS" <<'PY'
import random, sys
path, n = sys.argv[1], int(sys.argv[2])
random.seed(1)
cities = ["Paris", "Berlin", "Lyon", "Munich", "Madrid", "Rome", "Vienna", "Prague"]
with open(path, "w") as f:
    f.write("id,user_id,amount,score,qty,city,flag,ts,lat,note\n")
    for i in range(n):
        f.write(f"{i},{random.randint(1, 50000)},{random.random() * 1000:.2f},{random.random():.6f},{random.randint(0, 99)},"
                f"{random.choice(cities)},{'true' if i % 3 else 'false'},2024-01-{1 + i % 28:02d}T{i % 24:02d}:00:00Z,"
                f"{40 + random.random() * 10:.5f},note {i % 1000}\n")
PY
"$lake_bin" --lake "$out/lake" import --name wide "$out/wide.csv" >/dev/null

echo "preparing $MAP_POINTS random points for the map (imported and indexed)"
python3 - "$out/pts.csv" "$MAP_POINTS" <<'PY'
import random, sys
path, n = sys.argv[1], int(sys.argv[2])
random.seed(2)
r = random.random
with open(path, "w") as f:
    f.write("lon,lat\n")
    for _ in range(n // 1000):
        f.write("".join(f"{r() * 40 - 10:.6f},{r() * 30 + 35:.6f}\n" for _ in range(1000)))
PY
"$lake_bin" --lake "$out/lake" import --name pts "$out/pts.csv" >/dev/null
rm -f "$out/pts.csv"

xvfb-run -a -s '-screen 0 1280x800x24' bash "$root/bench/app_inner.sh" "$app" "$hello" "$out" "$RUNS" "$root"
