#!/usr/bin/env bash
# Builds actionlint (the GitHub Actions workflow linter) from the Go module proxy into a cache outside the repo:
#   ${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}/actionlint/<version>/bin/actionlint
# Idempotent (marker file); prints the build time on stderr and the binary path as the last stdout line.
set -euo pipefail
LOG_TAG=build-actionlint
# shellcheck source=hack/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ACTIONLINT_VERSION="${ACTIONLINT_VERSION:-v1.7.12}"
# `actionlint -version` reports this (a build from the module proxy knows no tag otherwise)
actionlint=$(go_install_tool actionlint "$ACTIONLINT_VERSION" github.com/rhysd/actionlint/cmd/actionlint \
  "-X github.com/rhysd/actionlint.version=$ACTIONLINT_VERSION")
"$actionlint" -version >&2
echo "$actionlint"
