#!/usr/bin/env bash
# prometheus-adapter's own config loader (sigs.k8s.io/prometheus-adapter/pkg/config.FromYAML) as a small command,
# hack/adapter-config-check: AdapterConfigConformanceIT loads every config the operator writes with it, so the
# operator's strict check (AdapterConfigCheck) is held to the real thing. Built from the Go module proxy into
# ${SDO_CACHE:-~/.cache/scaled-demo-operator}/adapter-config-check/<hash of the sources and version>/bin/ (marker
# file; a cached run takes well under a second). Prints the binary's path as the last line of stdout.
# Env: ADAPTER_VERSION (default v0.12.0, as hack/build-e2e.sh and go.mod there), SDO_CACHE.
set -euo pipefail
# shellcheck source=hack/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ADAPTER_VERSION="${ADAPTER_VERSION:-v0.12.0}"
go_build_local_tool adapter-config-check "$(cd "$(dirname "${BASH_SOURCE[0]}")/adapter-config-check" && pwd)" \
  "s|(sigs.k8s.io/prometheus-adapter) v[0-9.]+$|\\1 $ADAPTER_VERSION|"
