#!/usr/bin/env bash
# Runs the whole catalogue locally, in the foreground, without Docker (see README).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh >/dev/null
source scripts/env.sh
exec tsx --tsconfig tsconfig.base.json tools/stack/src/cli/start.ts
