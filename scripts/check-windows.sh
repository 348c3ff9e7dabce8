#!/usr/bin/env bash
# `make check-windows`: the engine and the CLI type-checked for Windows (x86_64-pc-windows-gnu),
# so code that would not build there is caught here. Needs the Rust target, MinGW and NASM
# (installed when missing, on Debian/Ubuntu). Nothing is linked, so where MinGW's assembler
# refuses a C or C++ file of a dependency (numkong's and USearch's AVX-512/AMX kernels; the
# release workflow builds with MSVC), an empty object stands in for it.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CARGO_TARGET_DIR:=$HOME/.cache/datapunk-lake/target}"
export CARGO_TARGET_DIR
rustup target list --installed | grep -qx x86_64-pc-windows-gnu || rustup target add x86_64-pc-windows-gnu
missing=()
command -v x86_64-w64-mingw32-g++ >/dev/null || missing+=(gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64)
command -v nasm >/dev/null || missing+=(nasm)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get install -y -q "${missing[@]}"
fi
stub=$(mktemp -d)
trap 'rm -rf "$stub"' EXIT
for tool in gcc g++; do
  cat >"$stub/$tool" <<STUB
#!/usr/bin/env bash
x86_64-w64-mingw32-$tool "\$@" 2>/dev/null && exit 0
out=""; prev=""
for a in "\$@"; do [ "\$prev" = "-o" ] && out=\$a; prev=\$a; done
[ -n "\$out" ] || exit 1
echo "" | x86_64-w64-mingw32-gcc -x c -c - -o "\$out"
STUB
  chmod +x "$stub/$tool"
done
CC_x86_64_pc_windows_gnu="$stub/gcc" CXX_x86_64_pc_windows_gnu="$stub/g++" \
  cargo check --locked --target x86_64-pc-windows-gnu -p lake-core -p lake-cli
echo "lake-core and lake-cli type-check for Windows"
