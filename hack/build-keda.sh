#!/usr/bin/env bash
# Builds KEDA (https://keda.sh) from the Go module proxy into a cache outside the repo, for the end-to-end tests
# of the Keda scaling backend:
#   ${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}/keda/<version>/bin/keda-operator   (cmd/operator)
#   ${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}/keda/<version>/bin/keda-adapter    (cmd/adapter, the metrics
#                                                                                      API server)
#   ${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}/keda/<version>/crds/*.yaml         (config/crd/bases)
# KEDA's go.mod has replace directives, so `go install module@version` refuses it; the module is downloaded
# (`go mod download`, sum-checked) and built as the main module with -mod=readonly, i.e. with exactly its go.sum.
# Idempotent (marker file); prints the build time on stderr and the cache directory as the last stdout line.
# `build-keda.sh crds` only downloads the module and prints its config/crd/bases directory (no build, no lock: tests
# that need KEDA's CRDs but not KEDA itself).
# Env: KEDA_VERSION (default v2.21.0), SDO_CACHE, BUILD_PARALLELISM.
set -euo pipefail
LOG_TAG=build-keda
# shellcheck source=hack/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KEDA_VERSION="${KEDA_VERSION:-v2.21.0}"
ROOT="$SDO_CACHE/keda/$KEDA_VERSION"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}" CGO_ENABLED=0 GOFLAGS="-buildvcs=false"

module_dir() {
  go mod download -json "github.com/kedacore/keda/v2@$KEDA_VERSION" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("Dir") or sys.exit(d.get("Error")))'
}

if [ "${1:-}" = crds ]; then
  echo "$(module_dir)/config/crd/bases"
  exit 0
fi
lock_tool_build
if [ -f "$ROOT/.built" ] && [ -x "$ROOT/bin/keda-operator" ] && [ -x "$ROOT/bin/keda-adapter" ]; then
  log "keda $KEDA_VERSION cached"
else
  t0=$(date +%s)
  src=$(module_dir)
  log "go build keda $KEDA_VERSION (operator, metrics API server) from $src"
  mkdir -p "$ROOT/bin" "$ROOT/crds"
  ldflags="-s -w -X github.com/kedacore/keda/v2/version.Version=${KEDA_VERSION#v}"
  for cmd in operator adapter; do
    (cd "$src" && go build -mod=readonly -p "${BUILD_PARALLELISM:-2}" -trimpath -ldflags "$ldflags" \
      -o "$ROOT/bin/keda-$cmd" "./cmd/$cmd") >&2
  done
  cp "$src"/config/crd/bases/*.yaml "$ROOT/crds/"
  chmod -R u+w "$ROOT/crds"
  touch "$ROOT/.built"
  log "keda $KEDA_VERSION built in $(( $(date +%s) - t0 ))s"
fi
echo "$ROOT"
