#!/usr/bin/env bash
# Builds helm from the Go module proxy (helm.sh/helm/v3 has no replace directives, so a plain
# `go install module@version` works) into a cache outside the repo:
#   ${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}/helm/<version>/bin/helm
# Idempotent (marker file); prints the build time on stderr and the helm binary path as the last stdout line.
set -euo pipefail
LOG_TAG=build-helm
# shellcheck source=hack/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HELM_VERSION="${HELM_VERSION:-v3.19.0}"
# helm reads its version from these ldflags (otherwise `helm version` says v3.x-unreleased)
helm=$(go_install_tool helm "$HELM_VERSION" helm.sh/helm/v3/cmd/helm \
  "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean")
"$helm" version --short >&2
echo "$helm"
