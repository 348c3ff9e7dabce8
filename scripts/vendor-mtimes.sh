#!/usr/bin/env bash
# Cargo decides whether a path dependency must be rebuilt from its files' times, and a fresh
# clone gives every file the time of the clone. So vendor/polars (the query engine, several
# minutes to build on 2 cores) would be rebuilt in every clone, persistent CARGO_TARGET_DIR or
# not. When vendor/ is exactly as committed, its files get the time of the last commit that
# changed it: a build made after that commit is reused, and a newer commit to vendor/ still
# forces a rebuild. With local changes under vendor/ the times are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
git rev-parse --git-dir >/dev/null 2>&1 || exit 0
[ -d vendor ] || exit 0
if [ -n "$(git status --porcelain -- vendor)" ]; then
  echo "vendor/ has local changes: its file times are left as they are"
  exit 0
fi
# Notes and rustfmt's settings do not change what is built, so they do not move the time.
t=$(git log -1 --format=%ct -- vendor ':(exclude)vendor/**/*.md' ':(exclude)vendor/**/rustfmt.toml')
[ -n "$t" ] || exit 0
find vendor -exec touch -h -d "@$t" {} +
