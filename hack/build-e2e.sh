#!/usr/bin/env bash
# Everything the end-to-end stack (hack/e2e/stack.sh) needs besides the control plane of hack/build-k8s.sh:
#   - Prometheus: Debian's `prometheus` package (apt-get install when /usr/bin/prometheus is missing; its
#     systemd service is never used, hack/e2e/stack.sh runs the binary itself on loopback);
#   - prometheus-adapter: `go install sigs.k8s.io/prometheus-adapter/cmd/adapter@$ADAPTER_VERSION` from the Go
#     module proxy into ${SDO_CACHE:-~/.cache/scaled-demo-operator}/prometheus-adapter/<version>/bin/adapter
#     (marker file; a cached run takes well under a second);
#   - the demo app jar (demo-app/target/demo-app.jar), built with the Maven wrapper when missing.
# Prints the adapter binary's path as the last line of stdout.
# Env: ADAPTER_VERSION (default v0.12.0, the newest the module proxy has), SDO_CACHE, BUILD_PARALLELISM,
#      SKIP_DEMO_APP_BUILD=1 (do not build the jar; the Maven reactor builds it before the operator's tests).
set -euo pipefail
LOG_TAG=build-e2e
# shellcheck source=hack/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lock_tool_build  # one build of a tool at a time (the cache is shared by work trees and CI)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ADAPTER_VERSION="${ADAPTER_VERSION:-v0.12.0}"
SDO_CACHE="${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}"
AROOT="$SDO_CACHE/prometheus-adapter/$ADAPTER_VERSION"
MARK="$AROOT/.markers"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED=0
export GOFLAGS="-buildvcs=false"

START=$(date +%s)

# ---------------------------------------------------------------- prometheus (Debian package)
install_prometheus() {
  if command -v prometheus >/dev/null 2>&1; then
    log "prometheus present: $(prometheus --version 2>&1 | head -1)"
    return
  fi
  [ "$(id -u)" = 0 ] || { log "ERROR: prometheus missing; run: sudo apt-get install -y --no-install-recommends prometheus"; exit 1; }
  local t0; t0=$(date +%s)
  log "apt-get install prometheus"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends prometheus >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }
  # the package enables its systemd unit; where systemd runs, keep it from holding :9090 (we never use it)
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now prometheus >/dev/null 2>&1 || true
  fi
  log "prometheus installed in $(( $(date +%s) - t0 ))s: $(prometheus --version 2>&1 | head -1)"
}

# ---------------------------------------------------------------- prometheus-adapter (Go module proxy)
build_adapter() {
  local bin="$AROOT/bin/adapter"
  if [ -f "$MARK/adapter" ] && [ -x "$bin" ]; then log "prometheus-adapter $ADAPTER_VERSION cached"; return; fi
  mkdir -p "$AROOT/bin" "$MARK"
  local t0; t0=$(date +%s)
  # a wrapper module rather than `go install module@version`: that also asks the proxy for the module's
  # version list (deprecation check), which the proxy here refuses; a pinned require needs only the version.
  # v0.12.0's go.mod has no replace directives, so its requirements are used as they are (MVS).
  local w; w=$(mktemp -d "${TMPDIR:-/tmp}/sdo-adapter-wrap.XXXXXX")
  local gomod
  gomod=$(go mod download -json "sigs.k8s.io/prometheus-adapter@$ADAPTER_VERSION" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("GoMod") or sys.exit(d.get("Error")))')
  if grep -qE '^replace|^[[:space:]]+[^ ]+ => ' "$gomod"; then
    log "WARNING: $ADAPTER_VERSION's go.mod has replace directives; copying them into the wrapper"
  fi
  {
    echo "module sdo.local/adapterbuild"
    echo
    echo "go $(sed -nE 's/^go ([0-9.]+)$/\1/p' "$gomod" | head -1)"
    echo
    echo "require sigs.k8s.io/prometheus-adapter $ADAPTER_VERSION"
    sed -n '/^replace (/,/^)/p; /^replace [^(]/p' "$gomod"
  } > "$w/go.mod"
  log "go build sigs.k8s.io/prometheus-adapter/cmd/adapter@$ADAPTER_VERSION (wrapper module $w)"
  (cd "$w" && go build -mod=mod -p "${BUILD_PARALLELISM:-2}" -trimpath -ldflags "-s -w" \
    -o "$AROOT/bin/adapter" sigs.k8s.io/prometheus-adapter/cmd/adapter)
  rm -rf "$w"
  touch "$MARK/adapter"
  log "prometheus-adapter $ADAPTER_VERSION built in $(( $(date +%s) - t0 ))s"
}

# ---------------------------------------------------------------- demo app jar
build_demo_app() {
  local jar="$ROOT/demo-app/target/demo-app.jar"
  if [ -f "$jar" ] || [ "${SKIP_DEMO_APP_BUILD:-0}" = 1 ]; then return; fi
  local t0; t0=$(date +%s)
  log "building $jar"
  (cd "$ROOT" && ./mvnw -B -q -pl demo-app package -DskipTests) >&2
  log "demo app built in $(( $(date +%s) - t0 ))s"
}

install_prometheus
build_adapter
build_demo_app
log "done in $(( $(date +%s) - START ))s"
echo "$AROOT/bin/adapter"
