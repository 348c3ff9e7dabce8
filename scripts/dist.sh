#!/usr/bin/env bash
# `make dist`: the app and the `lake` CLI as a .deb and an .rpm, made offline by Tauri's bundler
# (the `tauri` CLI from npm, pinned in package.json), copied to dist/.
#
#   PROFILE=release   (default) a release build with fat LTO, one codegen unit and stripped
#                     symbols, for baseline x86-64 (any 64-bit PC); the slowest build there is
#   PROFILE=debug     the everyday debug build, bundled as it is (the install test uses it)
#   BUNDLES=deb,rpm   which packages (Tauri's names: deb, rpm; appimage needs the network)
#   DIST_DIR=dist     where the packages are copied
#
# The package installs /usr/bin/datapunk-lake (the app), /usr/bin/lake (the CLI), a desktop
# entry and the icons (hicolor, 32 to 512 px).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CARGO_TARGET_DIR:=$HOME/.cache/datapunk-lake/target}"
export CARGO_TARGET_DIR
profile=${PROFILE:-release}
bundles=${BUNDLES:-deb,rpm}
make --no-print-directory -s ui >/dev/null
case "$profile" in
  release)
    # Built for the host triple named explicitly, so it lands in its own folder and never
    # replaces the benchmarks' release build (target/release, thin LTO, for this CPU). Fat LTO,
    # one codegen unit and stripped symbols are set here, for this build only.
    triple=$(rustc -vV | sed -n 's/^host: //p')
    CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 CARGO_PROFILE_RELEASE_STRIP=symbols \
      RUSTFLAGS="" cargo build --release --locked --target "$triple" -p lake-app -p lake-cli
    flag=(--target "$triple"); dir="$triple/release" ;;
  debug) cargo build --locked -p lake-app -p lake-cli; flag=(--debug); dir=debug ;;
  *) echo "PROFILE must be release or debug, not '$profile'" >&2; exit 2 ;;
esac
lake="$CARGO_TARGET_DIR/$dir/lake"
# The CLI goes beside the app. The path is given here, not in tauri.conf.json, because the
# build folder is outside the clone.
conf=$(printf '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/lake":"%s"}},"rpm":{"files":{"/usr/bin/lake":"%s"}}}}}' "$lake" "$lake")
out="$CARGO_TARGET_DIR/$dir/bundle"
rm -rf "$out/deb" "$out/rpm"
node_modules/.bin/tauri bundle "${flag[@]}" --bundles "$bundles" --config "$conf" --ci
dest=${DIST_DIR:-dist}
mkdir -p "$dest"
for f in "$out"/deb/*.deb "$out"/rpm/*.rpm; do
  [ -e "$f" ] || continue
  # No spaces in the file names people download and type.
  name=$(basename "$f" | tr ' ' '-')
  cp "$f" "$dest/$name"
  echo "$dest/$name  $(du -h "$dest/$name" | cut -f1)"
done
