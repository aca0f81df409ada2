#!/usr/bin/env bash
# Runs a command with the project's Node and tools first on PATH: scripts/run.sh <command> [args]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
exec "$@"
