#!/usr/bin/env bash
# Installs what `make run` / `make test` need and is missing. Idempotent; quiet when all is there.
set -euo pipefail
need_apt=()
for pkg in build-essential pkg-config curl; do
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
