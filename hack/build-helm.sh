#!/usr/bin/env bash
# Builds helm from the Go module proxy (helm.sh/helm/v3 has no replace directives, so a plain
# `go install module@version` works) into a cache outside the repo:
#   ${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}/helm/<version>/bin/helm
# Idempotent (marker file); prints the build time on stderr and the helm binary path as the last stdout line.
set -euo pipefail
LOG_TAG=build-helm
# shellcheck source=hack/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lock_tool_build  # one build of a tool at a time (the cache is shared by work trees and CI)

HELM_VERSION="${HELM_VERSION:-v3.19.0}"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED=0
export GOFLAGS="-buildvcs=false"

SDO_CACHE="${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}"
ROOT="$SDO_CACHE/helm/$HELM_VERSION"
BIN="$ROOT/bin"
mkdir -p "$BIN"

if [ -f "$ROOT/.built" ] && [ -x "$BIN/helm" ]; then
  log "helm $HELM_VERSION cached"
else
  t0=$(date +%s)
  log "go install helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  # helm reads its version from these ldflags (otherwise `helm version` says v3.x-unreleased)
  GOBIN="$BIN" go install -p "${BUILD_PARALLELISM:-2}" -trimpath -ldflags "-s -w \
      -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION \
      -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
      "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  touch "$ROOT/.built"
  log "helm $HELM_VERSION built in $(( $(date +%s) - t0 ))s"
fi
"$BIN/helm" version --short >&2
echo "$BIN/helm"
