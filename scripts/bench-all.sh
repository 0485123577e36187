#!/usr/bin/env bash
# Runs every benchmark in test/bench/ one after another and prints their RESULT lines at the end.
# Exits non-zero if any benchmark missed its target. The server benchmarks (verify-key, verify-secret,
# server-memory, revocation-propagation, publish-100k) start keyward-server child processes on
# 127.0.0.1; revocation-propagation and publish-100k need PostgreSQL: the whole run goes under one
# throwaway cluster (scripts/with-postgres.sh) when none is there yet.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# One PostgreSQL cluster for the whole run (revocation-propagation and publish-100k need it).
if [ -z "${KEYWARD_TEST_DATABASE_URL:-}" ]; then
  exec bash scripts/with-postgres.sh bash scripts/bench-all.sh "$@"
fi
# shellcheck source=scripts/ensure-node.sh
source scripts/ensure-node.sh
# ipc-roundtrip runs in real Chromium on the production build (renderer and preload): build it first.
printf '=== build (electron-vite, and the CLI bundle)\n'
npm run --silent build >/dev/null || exit 1
npm run --silent build:cli >/dev/null || exit 1
status=0
results=()
for bench in test/bench/*.bench.ts; do
  printf '\n=== %s\n' "$bench"
  out="$(node "$bench" 2>&1)" || status=1
  printf '%s\n' "$out"
  # Every RESULT line (cli-startup prints two).
  while IFS= read -r line; do
    results+=("$line")
  done < <(printf '%s\n' "$out" | grep '^RESULT ')
done
printf '\n=== summary\n'
printf '%s\n' "${results[@]}"
exit "$status"
