#!/usr/bin/env bash
# Before `make test`: the build cache lives outside the clone and grows with every build
# (cargo's incremental folders most: 37 GB here after a few weeks). When the disk it is on has
# less than 15 GB free, those folders and old packages are removed (cargo rebuilds what it
# needs); tests that write large files would otherwise fail on a full disk.
set -euo pipefail
: "${CARGO_TARGET_DIR:=$HOME/.cache/datapunk-lake/target}"
[ -d "$CARGO_TARGET_DIR" ] || exit 0
free_kb=$(df -Pk "$CARGO_TARGET_DIR" | awk 'NR == 2 { print $4 }')
if [ "${free_kb:-0}" -lt $((15 * 1024 * 1024)) ]; then
  before=$free_kb
  rm -rf "$CARGO_TARGET_DIR"/*/incremental "$CARGO_TARGET_DIR"/*/*/incremental \
    "$CARGO_TARGET_DIR"/debug/bundle "$CARGO_TARGET_DIR"/*/release/bundle
  after=$(df -Pk "$CARGO_TARGET_DIR" | awk 'NR == 2 { print $4 }')
  echo "disk: $((before / 1024 / 1024)) GB free; removed the build cache's incremental folders and old packages: $((after / 1024 / 1024)) GB free"
fi
