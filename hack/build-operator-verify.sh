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

go_install_tool operator-verify "${OLM_API_VERSION:-v0.37.0}" github.com/operator-framework/api/cmd/operator-verify
