#!/usr/bin/env bash
# prometheus-adapter's own config loader (sigs.k8s.io/prometheus-adapter/pkg/config.FromYAML) as a small command,
# hack/adapter-config-check: AdapterConfigConformanceIT loads every config the operator writes with it, so the
# operator's strict check (AdapterConfigCheck) is held to the real thing. Built from the Go module proxy into
# ${SDO_CACHE:-~/.cache/scaled-demo-operator}/adapter-config-check/<version>/check (marker file; a cached run
# takes well under a second). Prints the binary's path as the last line of stdout.
# Env: ADAPTER_VERSION (default v0.12.0, as hack/build-e2e.sh and go.mod there), SDO_CACHE.
set -euo pipefail
# shellcheck source=hack/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lock_tool_build

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ADAPTER_VERSION="${ADAPTER_VERSION:-v0.12.0}"
OUT="$SDO_CACHE/adapter-config-check/$ADAPTER_VERSION"
SRC="$ROOT/hack/adapter-config-check"
# the source's hash is part of the marker: an edited main.go is rebuilt
MARK="$OUT/.built-$(cat "$SRC/main.go" "$SRC/go.mod" | sha256sum | cut -c1-16)"
if [ -f "$MARK" ] && [ -x "$OUT/check" ]; then echo "$OUT/check"; exit 0; fi
mkdir -p "$OUT"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}" CGO_ENABLED=0 GOFLAGS="-buildvcs=false"
w=$(mktemp -d "${TMPDIR:-/tmp}/sdo-config-check.XXXXXX")
cp "$SRC/main.go" "$SRC/go.mod" "$SRC/go.sum" "$w/"
sed -i -E "s|(sigs.k8s.io/prometheus-adapter) v[0-9.]+$|\1 $ADAPTER_VERSION|" "$w/go.mod"
(cd "$w" && go build -mod=mod -trimpath -o "$OUT/check" .) >&2
rm -rf "$w"
rm -f "$OUT"/.built-*
touch "$MARK"
echo "$OUT/check"
