#!/usr/bin/env bash
# Builds the UI and the app (debug), then runs the real-window scenario under Xvfb through
# tauri-driver + WebKitWebDriver. Screenshots land in tests/e2e/out/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
: "${CARGO_TARGET_DIR:=$HOME/.cache/datapunk-lake/target}"
export CARGO_TARGET_DIR
# E2E_APP: an app already built or installed (tests/e2e/installed.sh gives the packaged one).
if [ -n "${E2E_APP:-}" ]; then
  app=$E2E_APP
else
  make --no-print-directory -s ui >/dev/null
  cargo build -p lake-app -p lake-cli
  app="$CARGO_TARGET_DIR/debug/datapunk-lake"
fi
out="$root/tests/e2e/out"
mkdir -p "$out"
driver=$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")
# A private config/data home: no remembered lake, nothing of the user's touched.
home="$out/home"
rm -rf "$home" && mkdir -p "$home"
export XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" XDG_CACHE_HOME="$home/cache"
export NO_AT_BRIDGE=1
# The debug build answers its file dialogs from this file (src-tauri/src/pick.rs).
export DATAPUNK_TEST_PICKS="$out/picks.txt"
: >"$DATAPUNK_TEST_PICKS"
port=4444
# shellcheck disable=SC2016
xvfb-run -a -s '-screen 0 1280x800x24' bash -c '
  "$0" --port '"$port"' --native-driver /usr/bin/WebKitWebDriver >"$1/driver.log" 2>&1 &
  drv=$!
  trap "kill $drv 2>/dev/null || true" EXIT
  node "$2/tests/e2e/scenario.mjs" "$3" "$1/run" "$2"
' "$driver" "$out" "$root" "$app"
