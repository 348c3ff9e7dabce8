#!/usr/bin/env bash
# Remakes the committed analyzed plans of the 22 TPC-H queries at SF0.01 (the UI's plan tests,
# ui/src/features/plan/fixtures/tpch) and a pair of plans for the diff tests
# (tests/fixtures/plans: Q9, and Q9 with a narrower part filter). Engine text is left out.
#   scripts/tpch-plan-fixtures.sh [path to the lake binary]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lake_bin=${1:-${CARGO_TARGET_DIR:-$HOME/.cache/datapunk-lake/target}/debug/lake}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$lake_bin" --lake "$tmp/lake" init >/dev/null
"$lake_bin" --lake "$tmp/lake" import "$root"/tests/fixtures/tpch-sf0.01/data/*.parquet >/dev/null
ui="$root/ui/src/features/plan/fixtures/tpch"
pairs="$root/tests/fixtures/plans"
mkdir -p "$ui" "$pairs"
strip() { python3 -c '
import json, sys
p = json.load(sys.stdin)
def walk(n):
    n["raw"] = ""
    for c in n.get("children", []): walk(c)
walk(p["root"])
json.dump(p, sys.stdout, indent=1, ensure_ascii=False)
print()'; }
for q in $(seq -w 1 22); do
  "$lake_bin" --lake "$tmp/lake" explain --analyze --format json "$(cat "$root/bench/tpch/queries/q$q.sql")" | strip >"$ui/q$q.json"
done
cp "$ui/q09.json" "$pairs/q09-before.json"
sed "s/'%green%'/'%green tomato%'/" "$root/bench/tpch/queries/q09.sql" >"$tmp/q09b.sql"
"$lake_bin" --lake "$tmp/lake" explain --analyze --format json "$(cat "$tmp/q09b.sql")" | strip >"$pairs/q09-after.json"
echo "wrote $ui/q01..q22.json and $pairs/q09-{before,after}.json"
