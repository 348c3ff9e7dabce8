#!/usr/bin/env bash
# Runs the given make targets in order, stops at the first that fails, and prints how long each
# took (make test's stages).
set -uo pipefail
summary=()
total_start=$(date +%s)
for t in "$@"; do
  start=$(date +%s)
  if ! make --no-print-directory "$t"; then
    summary+=("$(printf '%-18s FAILED after %ss' "$t" $(( $(date +%s) - start )))")
    printf '\n== stage times ==\n'; printf '%s\n' "${summary[@]}"
    exit 1
  fi
  summary+=("$(printf '%-18s %5ss' "$t" $(( $(date +%s) - start )))")
done
printf '\n== stage times ==\n'; printf '%s\n' "${summary[@]}"
printf '%-18s %5ss\n' total $(( $(date +%s) - total_start ))
