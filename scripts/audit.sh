#!/usr/bin/env bash
# Dependency advisories: `cargo audit` (RustSec) and `npm audit --omit=dev`, failing on any
# advisory not listed with a written reason in .cargo/audit.toml (cargo) or below (npm).
# Both need their advisory service: the RustSec database is a GitHub repository and npm's is a
# POST endpoint of the registry. Where neither is reachable (this build machine reaches only
# the package registries), each check says so loudly and is skipped rather than faked.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0

if timeout 15 git ls-remote https://github.com/rustsec/advisory-db HEAD >/dev/null 2>&1; then
  command -v cargo-audit >/dev/null || cargo install cargo-audit --locked
  echo "cargo audit (ignores, each with its reason, in .cargo/audit.toml):"
  cargo audit --deny warnings || status=1
else
  echo "WARNING: cargo audit SKIPPED: the RustSec advisory database (github.com) is unreachable from here"
fi

# npm: advisories we accept, each with a reason (none so far).
NPM_IGNORED=()
out=$(timeout 60 npm audit --omit=dev --json 2>/dev/null)
if [ -n "$out" ] && echo "$out" | node -e 'const j=JSON.parse(require("fs").readFileSync(0,"utf8")); process.exit(j.error ? 1 : 0)'; then
  echo "npm audit --omit=dev:"
  echo "$out" | node -e '
    const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const ignored = new Set(process.argv.slice(1));
    const bad = Object.values(j.vulnerabilities || {}).flatMap((v) => v.via.filter((x) => typeof x === "object"))
      .filter((a) => !ignored.has(String(a.source)));
    for (const a of bad) console.log(`  ${a.severity}: ${a.name} ${a.range}: ${a.title} (${a.url})`);
    console.log(`  ${bad.length} advisories not ignored`);
    process.exit(bad.length ? 1 : 0);' "${NPM_IGNORED[@]}" || status=1
else
  echo "WARNING: npm audit SKIPPED: the registry's advisory endpoint is unreachable from here"
fi
exit $status
