#!/usr/bin/env bash
# Builds the kstatus test tool (hack/kstatus: a few lines around sigs.k8s.io/cli-utils/pkg/kstatus/status, the
# library Flux and cli-utils use to tell whether an object is Current, InProgress or Failed) from the Go module
# proxy into a cache outside the repo:
#   ${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}/kstatus/<hash of hack/kstatus>/bin/kstatus
# Idempotent (one directory per source hash, marker file); prints the build time on stderr and the binary's path
# as the last stdout line. The tool reads JSON/YAML objects on stdin and prints one JSON line per object.
set -euo pipefail
# shellcheck source=hack/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

go_build_local_tool kstatus "$(cd "$(dirname "${BASH_SOURCE[0]}")/kstatus" && pwd)"
