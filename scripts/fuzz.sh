#!/usr/bin/env bash
# Fuzzes each reader of hostile input and the SQL guard with cargo fuzz (libFuzzer, nightly).
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# First replays every saved input under fuzz/regressions/<target>/ (each once), then fuzzes
# each target from a seed corpus made of the test fixtures. A finding is copied to
# fuzz/regressions/<target>/ (commit it with the fix) and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-60}
shift || true
ALL=(zip tar json_doc ndjson json_array csv takeout_classify mbox sql_guard)
TARGETS=("${@:-${ALL[@]}}")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")
export CARGO_TARGET_DIR=${FUZZ_TARGET_DIR:-$HOME/.cache/datapunk-lake/fuzz-target}
WORK=${FUZZ_WORK_DIR:-$HOME/.cache/datapunk-lake/fuzz-work}
mkdir -p "$WORK"

if ! rustup toolchain list | grep -q '^nightly'; then
  echo "error: cargo fuzz needs a nightly toolchain (rustup toolchain install nightly)" >&2
  exit 1
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
echo "building the fuzz targets (nightly, libFuzzer, no sanitizer: the code under test is safe Rust)"
# The fuzz crate is a workspace of its own, so cargo names the vendored Polars it builds by
# absolute path: through a fixed link to this checkout, every clone reuses the same build
# (file times as in scripts/vendor-mtimes.sh).
bash scripts/vendor-mtimes.sh
SRC_LINK=${FUZZ_SRC_LINK:-$HOME/.cache/datapunk-lake/fuzz-src}
ln -sfn "$PWD" "$SRC_LINK"
cargo +nightly fuzz build -s none --fuzz-dir "$SRC_LINK/fuzz" >"$WORK/build.log" 2>&1 || {
  tail -40 "$WORK/build.log"; exit 1; }
BIN="$CARGO_TARGET_DIR/x86_64-unknown-linux-gnu/release"

# Seeds from the fixtures (rebuilt each run, so they follow the fixtures).
SEEDS="$WORK/seeds"
rm -rf "$SEEDS" && mkdir -p "$SEEDS"
python3 scripts/fuzz_seeds.py "$SEEDS"

fail=0
for t in "${TARGETS[@]}"; do
  reg="fuzz/regressions/$t"
  if [ -d "$reg" ] && [ -n "$(ls -A "$reg" 2>/dev/null)" ]; then
    n=$(ls "$reg" | wc -l)
    if "$BIN/$t" -runs=0 "$reg" >"$WORK/$t.replay.log" 2>&1; then
      echo "$t: $n saved inputs replayed, no failure"
    else
      echo "$t: a saved input FAILS again:"; tail -30 "$WORK/$t.replay.log"; fail=1; continue
    fi
  fi
  if [[ " ${FUZZ_REPLAY_ONLY:-} " == *" $t "* ]]; then
    echo "$t: saved inputs replayed only (FUZZ_REPLAY_ONLY)"; continue
  fi
  corpus="$WORK/corpus/$t" && mkdir -p "$corpus" "fuzz/artifacts/$t"
  log="$WORK/$t.log"
  if "$BIN/$t" "$corpus" "$SEEDS/$t" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 \
      -rss_limit_mb=2048 -max_len=262144 -print_final_stats=1 \
      -artifact_prefix="fuzz/artifacts/$t/" >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
    echo "$t: ${SECONDS_PER_TARGET} s, $runs inputs, coverage $cov edges, no findings"
  else
    echo "$t: FINDING (log: $log):"; grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" | head -10
    mkdir -p "$reg" && cp fuzz/artifacts/"$t"/* "$reg"/ 2>/dev/null || true
    fail=1
  fi
done
exit $fail
