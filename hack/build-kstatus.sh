#!/usr/bin/env bash
# Builds the kstatus test tool (hack/kstatus: a few lines around sigs.k8s.io/cli-utils/pkg/kstatus/status, the
# library Flux and cli-utils use to tell whether an object is Current, InProgress or Failed) from the Go module
# proxy into a cache outside the repo:
#   ${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}/kstatus/<hash of hack/kstatus>/bin/kstatus
# Idempotent (one directory per source hash, marker file); prints the build time on stderr and the binary's path
# as the last stdout line. The tool reads JSON/YAML objects on stdin and prints one JSON line per object.
set -euo pipefail
LOG_TAG=build-kstatus
# shellcheck source=hack/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/kstatus" && pwd)"
HASH=$(cat "$SRC/go.mod" "$SRC/go.sum" "$SRC/main.go" | sha256sum | cut -c1-12)
ROOT="$SDO_CACHE/kstatus/$HASH"
lock_tool_build
mkdir -p "$ROOT/bin"
if [ -f "$ROOT/.built" ] && [ -x "$ROOT/bin/kstatus" ]; then
  log "kstatus $HASH cached"
else
  t0=$(date +%s)
  log "go build $SRC (sigs.k8s.io/cli-utils $(sed -nE 's#^\s*sigs.k8s.io/cli-utils (v[^ ]+)$#\1#p' "$SRC/go.mod"))"
  # go.sum pins every module; -mod=readonly refuses to build with anything else
  (cd "$SRC" && GOTOOLCHAIN="${GOTOOLCHAIN:-local}" CGO_ENABLED=0 GOFLAGS="-buildvcs=false" \
    go build -mod=readonly -p "${BUILD_PARALLELISM:-2}" -trimpath -ldflags "-s -w" -o "$ROOT/bin/kstatus" .) >&2
  touch "$ROOT/.built"
  log "kstatus $HASH built in $(( $(date +%s) - t0 ))s"
fi
echo "$ROOT/bin/kstatus"
