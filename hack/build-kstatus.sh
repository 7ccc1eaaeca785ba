#!/usr/bin/env bash
# Builds the kstatus test tool (hack/kstatus: a few lines around sigs.k8s.io/cli-utils/pkg/kstatus/status, the
# library Flux and cli-utils use to tell whether an object is Current, InProgress or Failed) from the Go module
# proxy into a cache outside the repo:
#   ${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}/kstatus/<hash of hack/kstatus>/bin/kstatus
# Idempotent (one directory per source hash, marker file); prints the build time on stderr and the binary's path
# as the last stdout line. Reads JSON/YAML objects on stdin, prints one JSON line per object.
set -euo pipefail
# One run of this build at a time: test runs in several work trees (and CI) share the cache, and a second build
# of the same tool into the same directory would corrupt it. A cached run takes the lock for a moment only.
mkdir -p "${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}"
exec 9>"${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}/.$(basename "$0" .sh).lock"
flock 9

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/kstatus" && pwd)"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED=0
export GOFLAGS="-buildvcs=false"

SDO_CACHE="${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}"
HASH=$(cat "$SRC/go.mod" "$SRC/go.sum" "$SRC/main.go" | sha256sum | cut -c1-12)
ROOT="$SDO_CACHE/kstatus/$HASH"
BIN="$ROOT/bin"
mkdir -p "$BIN"
log() { echo "[build-kstatus $(date -u +%H:%M:%S)] $*" >&2; }

if [ -f "$ROOT/.built" ] && [ -x "$BIN/kstatus" ]; then
  log "kstatus $HASH cached"
else
  t0=$(date +%s)
  log "go build $SRC (sigs.k8s.io/cli-utils $(sed -nE 's#^\s*sigs.k8s.io/cli-utils (v[^ ]+)$#\1#p' "$SRC/go.mod"))"
  # go.sum pins every module; -mod=readonly refuses to build with anything else
  (cd "$SRC" && go build -mod=readonly -p "${BUILD_PARALLELISM:-2}" -trimpath -ldflags "-s -w" -o "$BIN/kstatus" .)
  touch "$ROOT/.built"
  log "kstatus $HASH built in $(( $(date +%s) - t0 ))s"
fi
echo "$BIN/kstatus"
