#!/usr/bin/env bash
# Installs what `make run` / `make test` need and is missing: the Debian/Ubuntu packages of a
# Tauri 2 app and its real-window test, Node.js, the UI's npm packages and tauri-driver.
# Idempotent; quiet when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(build-essential pkg-config curl file libssl-dev libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev
  libayatana-appindicator3-dev libsoup-3.0-dev libxdo-dev xvfb xauth webkit2gtk-driver strace
  python3-jsonschema python3-venv)
command -v node >/dev/null 2>&1 || pkgs+=(nodejs npm)
need_apt=()
for pkg in "${pkgs[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing: ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo is missing; install Rust from your distribution or rustup, then re-run" >&2
  exit 1
fi
# The UI's packages, exactly as locked (re-run when the lock changes).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing the UI's npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
# The WebDriver bridge of the end-to-end test (the 2.x line; 3.0 is an alpha).
if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  echo "installing tauri-driver"
  cargo install tauri-driver --locked --version "^2"
fi
# Lets a fresh clone reuse the persistent build of the vendored Polars (see the script).
bash scripts/vendor-mtimes.sh
# The text model `embed()` uses, embedded at compile time (once per machine, from PyPI).
bash scripts/text-model.sh
