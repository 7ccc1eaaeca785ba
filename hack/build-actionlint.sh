#!/usr/bin/env bash
# Builds actionlint (the GitHub Actions workflow linter) from the Go module proxy into a cache outside the repo:
#   ${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}/actionlint/<version>/bin/actionlint
# Idempotent (marker file); prints the build time on stderr and the binary path as the last stdout line.
set -euo pipefail
LOG_TAG=build-actionlint
# shellcheck source=hack/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lock_tool_build  # one build of a tool at a time (the cache is shared by work trees and CI)

ACTIONLINT_VERSION="${ACTIONLINT_VERSION:-v1.7.12}"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED=0
export GOFLAGS="-buildvcs=false"

ROOT="$SDO_CACHE/actionlint/$ACTIONLINT_VERSION"
BIN="$ROOT/bin"
mkdir -p "$BIN"

if [ -f "$ROOT/.built" ] && [ -x "$BIN/actionlint" ]; then
  log "actionlint $ACTIONLINT_VERSION cached"
else
  t0=$(date +%s)
  log "go install github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  # actionlint -version reads this variable (otherwise it reports the module version only when built from a tag)
  GOBIN="$BIN" go install -p "${BUILD_PARALLELISM:-2}" -trimpath -ldflags "-s -w \
      -X github.com/rhysd/actionlint.version=$ACTIONLINT_VERSION" \
      "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  touch "$ROOT/.built"
  log "actionlint $ACTIONLINT_VERSION built in $(( $(date +%s) - t0 ))s"
fi
"$BIN/actionlint" -version >&2
echo "$BIN/actionlint"
