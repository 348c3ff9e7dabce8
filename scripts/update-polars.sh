#!/usr/bin/env bash
# The vendored Polars is upstream's source plus our patches (vendor/polars/patches/*.patch,
# applied in order; each change is also marked `Datapunk Lake:` in the source).
#
#   bash scripts/update-polars.sh VERSION          fetch polars-runtime-64==VERSION's sdist from
#                                                  PyPI, replace vendor/polars/crates with its
#                                                  crates, re-apply the patches, say which failed
#   bash scripts/update-polars.sh --check VERSION  check that vendor/polars/crates is exactly
#                                                  that version's crates plus the patches
#
# It fetches the source the way it was first fetched (the sdist Python Polars publishes, whose
# Rust crates are the engine). Only the crates already vendored are taken; their own tests/
# folders are left out.
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
version=${1:?usage: update-polars.sh [--check] VERSION}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "fetching polars-runtime-64 $version (sdist) from PyPI"
python3 - "$version" "$work" <<'PY'
import hashlib, json, sys, urllib.request
version, work = sys.argv[1], sys.argv[2]
req = urllib.request.Request(
    "https://pypi.org/simple/polars-runtime-64/",
    headers={"Accept": "application/vnd.pypi.simple.v1+json"},
)
files = json.load(urllib.request.urlopen(req))["files"]
name = f"polars_runtime_64-{version}.tar.gz"
sdist = next((f for f in files if f["filename"] == name), None)
if sdist is None:
    sys.exit(f"no {name} on PyPI")
data = urllib.request.urlopen(sdist["url"]).read()
digest = hashlib.sha256(data).hexdigest()
if digest != sdist["hashes"]["sha256"]:
    sys.exit(f"sha256 mismatch: {digest} != {sdist['hashes']['sha256']}")
open(f"{work}/sdist.tar.gz", "wb").write(data)
print(f"  {name}  sha256 {digest}")
PY
tar -xzf "$work/sdist.tar.gz" -C "$work"
src=$(find "$work" -maxdepth 1 -type d -name 'polars_runtime_64-*' | head -1)

# The pristine crates, as vendored (the same crates, without their tests/).
mkdir -p "$work/tree/crates"
for c in vendor/polars/crates/*/; do
  name=$(basename "$c")
  if [ ! -d "$src/crates/$name" ]; then
    echo "warning: $name is no longer in upstream $version" >&2
    continue
  fi
  cp -a "$src/crates/$name" "$work/tree/crates/$name"
  rm -rf "$work/tree/crates/$name/tests"
done

failed=()
for p in vendor/polars/patches/*.patch; do
  if patch -d "$work/tree" -p1 --forward --quiet --no-backup-if-mismatch <"$p" >"$work/patch.log" 2>&1; then
    echo "  applied $(basename "$p")"
  else
    failed+=("$(basename "$p")")
    echo "  FAILED  $(basename "$p"):"; sed 's/^/    /' "$work/patch.log"
  fi
done

if [ $check -eq 1 ]; then
  if diff -r -q "$work/tree/crates" vendor/polars/crates >"$work/diff.txt"; then
    echo "vendor/polars/crates is Polars $version plus the patches, exactly"
  else
    echo "vendor/polars/crates differs from Polars $version plus the patches:"; cat "$work/diff.txt"
    exit 1
  fi
  [ ${#failed[@]} -eq 0 ] || exit 1
  exit 0
fi

rm -rf vendor/polars/crates
cp -a "$work/tree/crates" vendor/polars/crates
bash scripts/vendor-mtimes.sh
if [ ${#failed[@]} -gt 0 ]; then
  echo "these patches did not apply; redo each by hand (the change is described at the top of"
  echo "vendor/polars/VENDORED.md), then save it again as a patch: ${failed[*]}"
  exit 1
fi
echo "done: set the version in the root Cargo.toml (polars = ... version = \"=...\"), update"
echo "vendor/polars/VENDORED.md (version, sha256), then run make test and make bench-tpch"
