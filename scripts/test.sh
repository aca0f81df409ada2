#!/usr/bin/env bash
# The test command: sets the machine up (scripts/setup.sh), then runs every tier.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=$(date +%s)
bash scripts/setup.sh
source scripts/env.sh

section() { printf '\n==> %s (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }

section "Lint, unit tests and production builds"
nx run-many -t lint test build --exclude=integration-tests --output-style=static

section "Integration tests: real NATS, real FerretDB, the built apps as processes"
nx run integration-tests:test --output-style=static

section "All tests passed"
