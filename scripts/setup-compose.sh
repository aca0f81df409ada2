#!/usr/bin/env bash
# Builds Docker Compose v2 into .tools/bin for the deployment checks (tests/deploy), which
# scripts/test.sh runs before them; npm start does not need it. Idempotent and cached like
# FerretDB in scripts/setup.sh (run that first: it installs Node and the tools this uses).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/env.sh"

CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/books-catalogue"

step() { printf '\n==> %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

# --- Docker Compose (for tests/deploy) -------------------------------------------------
# tests/deploy checks docker-compose.yml with Docker Compose itself: `docker-compose config`
# parses, validates and resolves the file without a Docker engine. There is no Compose v2
# package to install here, so it is built from the Go module proxy like FerretDB (about
# 3 minutes once per machine, then cached) into .tools/bin/docker-compose.
COMPOSE_VERSION="v2.40.3"
COMPOSE_BIN="$TOOLS_DIR/bin/docker-compose"
if [ "$("$COMPOSE_BIN" version --short 2>/dev/null || true)" != "${COMPOSE_VERSION#v}" ]; then
  mkdir -p "$TOOLS_DIR/bin" "$CACHE_DIR"
  cached="$CACHE_DIR/docker-compose-$COMPOSE_VERSION"
  if [ ! -x "$cached" ]; then
    step "Building Docker Compose $COMPOSE_VERSION from the Go module proxy (a few minutes, once per machine)"
    have go || export PATH="$PATH:/usr/local/go/bin"
    have go || { echo "Go is needed to build Docker Compose (https://go.dev/doc/install)" >&2; exit 1; }
    src="$(go mod download -json "github.com/docker/compose/v2@$COMPOSE_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
    work="$(mktemp -d)"
    cp -r "$src/." "$work" && chmod -R u+w "$work"
    # Built as the project's Makefile does, with the version it reports.
    (cd "$work" && go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" -o "$cached.tmp" ./cmd)
    mv "$cached.tmp" "$cached" && rm -rf "$work"
  fi
  cp "$cached" "$COMPOSE_BIN"
fi
echo "docker-compose $("$COMPOSE_BIN" version --short)"
