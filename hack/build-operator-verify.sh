#!/usr/bin/env bash
# Builds operator-framework's bundle validator (github.com/operator-framework/api/cmd/operator-verify, the
# library `operator-sdk bundle validate` uses) from the Go module proxy into a cache outside the repo:
#   ${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}/operator-verify/<version>/bin/operator-verify
# The module has no replace directives, so `go install module/cmd@version` works. Idempotent; prints the build
# time on stderr and the binary path as the last stdout line.
# Note: `operator-verify manifests DIR` logs problems (level=error / level=warning) but always exits 0.
set -euo pipefail
LOG_TAG=build-operator-verify
# shellcheck source=hack/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lock_tool_build  # one build of a tool at a time (the cache is shared by work trees and CI)

OLM_API_VERSION="${OLM_API_VERSION:-v0.37.0}"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED=0
export GOFLAGS="-buildvcs=false"

SDO_CACHE="${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}"
ROOT="$SDO_CACHE/operator-verify/$OLM_API_VERSION"
BIN="$ROOT/bin"
mkdir -p "$BIN"

if [ -f "$ROOT/.built" ] && [ -x "$BIN/operator-verify" ]; then
  log "operator-verify $OLM_API_VERSION cached"
else
  t0=$(date +%s)
  log "go install github.com/operator-framework/api/cmd/operator-verify@$OLM_API_VERSION"
  GOBIN="$BIN" go install -p "${BUILD_PARALLELISM:-2}" -trimpath -ldflags "-s -w" \
      "github.com/operator-framework/api/cmd/operator-verify@$OLM_API_VERSION"
  touch "$ROOT/.built"
  log "operator-verify $OLM_API_VERSION built in $(( $(date +%s) - t0 ))s"
fi
echo "$BIN/operator-verify"
