#!/usr/bin/env bash
# The real-window scenario against the app as a user installs it: the debug build bundled as a
# .deb (scripts/dist.sh, into tests/e2e/out/pkg, never dist/), installed with dpkg, started
# from /usr/bin, and removed afterwards (also when the scenario fails). Where it cannot install
# (no dpkg, not root and no sudo without a password, a datapunk-lake package already
# installed, or a /usr/bin/datapunk-lake or /usr/bin/lake of anyone's), it says why and runs
# the scenario on the build instead: nothing it did not put there is replaced or removed.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${CARGO_TARGET_DIR:=$HOME/.cache/datapunk-lake/target}"
export CARGO_TARGET_DIR
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo -n"
why=""
if ! command -v dpkg >/dev/null 2>&1; then
  why="dpkg is missing"
elif [ -n "$SUDO" ] && ! sudo -k -n true 2>/dev/null; then
  # -k: a password typed earlier may run out before the scenario ends; only password-less
  # sudo can remove the package reliably.
  why="installing needs root (or sudo without a password)"
elif dpkg-query -W -f='${Status}' datapunk-lake 2>/dev/null | grep -q ' installed$'; then
  why="a datapunk-lake package is already installed here; it is left as it is"
elif [ -e /usr/bin/datapunk-lake ] || [ -e /usr/bin/lake ]; then
  why="/usr/bin/datapunk-lake or /usr/bin/lake exists already; it is left as it is"
fi
if [ -n "$why" ]; then
  echo "e2e: not testing the installed package ($why); the scenario runs on the build"
  exec bash tests/e2e/run.sh
fi
pkg=tests/e2e/out/pkg
rm -rf "$pkg"
PROFILE=debug BUNDLES=deb DIST_DIR="$pkg" bash scripts/dist.sh
debs=("$pkg"/*.deb)
[ -e "${debs[0]}" ] && [ ${#debs[@]} -eq 1 ] || { echo "e2e: scripts/dist.sh did not make one .deb in $pkg" >&2; exit 1; }
deb=${debs[0]}
name=$(dpkg-deb -f "$deb" Package)
remove() {
  $SUDO dpkg -P "$name" >/dev/null 2>&1 ||
    echo "WARNING: the test could not remove the package $name; remove it with: sudo dpkg -P $name" >&2
}
trap remove EXIT
$SUDO dpkg -i "$deb" >/dev/null
# What the package put in place, as a user's system sees it.
for f in /usr/bin/datapunk-lake /usr/bin/lake "/usr/share/applications/Datapunk Lake.desktop" \
  /usr/share/icons/hicolor/128x128/apps/datapunk-lake.png; do
  [ -e "$f" ] || { echo "e2e: the package did not install $f" >&2; exit 1; }
done
grep -q '^Exec=datapunk-lake %F$' "/usr/share/applications/Datapunk Lake.desktop" ||
  { echo "e2e: the desktop entry does not start datapunk-lake with the files it opens" >&2; exit 1; }
# The file associations: the desktop entry's types, and Parquet's type (not in shared-mime-info).
for t in application/vnd.apache.parquet application/geo+json application/gpx+xml application/zip; do
  grep -q "^MimeType=.*$t" "/usr/share/applications/Datapunk Lake.desktop" ||
    { echo "e2e: the desktop entry does not open $t" >&2; exit 1; }
done
[ -e /usr/share/mime/packages/datapunk-lake.xml ] || { echo "e2e: Parquet's mime type is not installed" >&2; exit 1; }
# The package's script told the desktop's type database (where this system has one).
if command -v update-mime-database >/dev/null 2>&1; then
  [ -e /usr/share/mime/application/vnd.apache.parquet.xml ] ||
    { echo "e2e: the mime database does not know .parquet after the install" >&2; exit 1; }
fi
/usr/bin/lake --version >/dev/null
echo "e2e: installed $deb ($(du -h "$deb" | cut -f1)); the scenario runs on /usr/bin/datapunk-lake"
# Proof of privacy: the installed app (its WebKit processes included, -f) runs the whole
# scenario (import, queries, the map, search by meaning, backups) under strace, and any
# connection or datagram to an address other than loopback, or to a DNS port, fails the test.
trace=tests/e2e/out/egress
rm -rf "$trace" && mkdir -p "$trace"
log="$(pwd)/$trace/app.strace"
printf '#!/bin/sh\nexec strace -f -qq -e trace=connect,sendto,sendmsg,sendmmsg -o "%s" /usr/bin/datapunk-lake "$@"\n' "$log" >"$trace/datapunk-lake"
chmod +x "$trace/datapunk-lake"
ln -s /usr/bin/lake "$trace/lake"
E2E_APP="$(pwd)/$trace/datapunk-lake" bash tests/e2e/run.sh
bash tests/e2e/egress.sh "$log"
trap - EXIT
$SUDO dpkg -P "$name" >/dev/null
[ ! -e /usr/bin/datapunk-lake ] && [ ! -e /usr/bin/lake ] && [ ! -e /usr/share/mime/packages/datapunk-lake.xml ] ||
  { echo "e2e: removing the package left files" >&2; exit 1; }
echo "e2e: the package is removed again"
