#!/usr/bin/env bash
# The one command that sets up and runs every test: `npm test` (or `bash scripts/test.sh`).
# .ci/run calls exactly this. Installs what it needs, then: typecheck, lint, format check,
# the three production bundles, and the unit + integration suites (under a real Secret Service and a
# real PostgreSQL: scripts/with-postgres.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh --test
# shellcheck source=scripts/ensure-node.sh
source scripts/ensure-node.sh
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
step() { printf '\n== %s\n' "$*"; }
step "node $(node --version)"
step typecheck; npm run --silent typecheck
step lint; npm run --silent lint
step "format check"; npm run --silent format:check
step "build (electron-vite: main, preload, renderer)"; npm run --silent build
step "unit + integration tests (real gnome-keyring on a private D-Bus, a throwaway PostgreSQL cluster, real nginx and Caddy)"
# The load test (100 connections for 30 s) saturates both cores: it runs alone, after the rest, so
# it neither starves the suites that spawn processes nor is measured against them.
load_test=test/integration/server/load.test.ts
if [ "$#" -gt 0 ]; then
  KEYWARD_REQUIRE_POSTGRES=1 KEYWARD_REQUIRE_GATEWAYS=1 bash scripts/with-postgres.sh bash scripts/with-keyring.sh npx vitest run "$@"
  exit 0
fi
KEYWARD_REQUIRE_POSTGRES=1 KEYWARD_REQUIRE_GATEWAYS=1 bash scripts/with-postgres.sh bash scripts/with-keyring.sh npx vitest run --exclude "$load_test"
step "load test, alone (100 connections of valid keys for 30 s: zero non-2xx)"
npx vitest run "$load_test"
