#!/usr/bin/env bash
# The test command: sets the machine up (scripts/setup.sh), then runs every tier against
# real servers that the tests start themselves on free ports.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=$(date +%s)
bash scripts/setup.sh
source scripts/env.sh

section() { printf '\n==> %s (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }

section "Lint, unit tests and production builds"
nx run-many -t lint test build typecheck --exclude=integration-tests,deploy-checks,e2e --output-style=static

section "Integration tests: real NATS, real FerretDB, the built apps as processes"
nx run integration-tests:test --output-style=static

section "Deployment checks: docker-compose.yml, Dockerfiles, the Nginx template, runtime dependencies"
bash scripts/setup-compose.sh
nx run deploy-checks:test --output-style=static

section "End-to-end tests: Chromium -> Nginx -> gateway -> NATS -> books-service -> FerretDB"
nx run e2e:test --output-style=static

section "Benchmark smoke run: every scenario for seconds, through the whole stack; fails on any error"
nx run bench:smoke --output-style=static

section "All tests passed"
