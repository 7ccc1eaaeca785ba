#!/usr/bin/env bash
# The local image loop, for a machine with Docker or Podman: build the operator and demo app images, load them into
# a kind or k3d cluster, and install deploy/install.yaml with those tags (rendered, never edited by hand).
#
# Usage: hack/images.sh build|load|render|up [--kind [CLUSTER]|--k3d [CLUSTER]] [--tag TAG]
#   build   package the operator (Maven wrapper), then build both images:
#             $PREFIX/scaled-demo-operator:$TAG  from operator/src/main/docker/Dockerfile.jvm (context operator/)
#             $PREFIX/demo-app:$TAG              from the top-level Dockerfile
#   load    load both images into the cluster (--kind: `kind load image-archive`, --k3d: `k3d image import`)
#   render  print deploy/install.yaml with the operator image and the default demo app image set to the local tags
#   up      build, load, then render | kubectl apply -f - (the operator waits in scaled-demo-system)
# Env: CONTAINER_ENGINE (default docker, else podman), IMAGE_PREFIX (default scaled-demo.local), TAG (default dev),
#      KUBECTL (default kubectl). Cluster names default to kind's "kind" and k3d's "k3s-default".
set -euo pipefail
# shellcheck source=hack/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

PREFIX="${IMAGE_PREFIX:-scaled-demo.local}"
TAG="${TAG:-dev}"
CLUSTER_KIND=""
CLUSTER_NAME=""
cmd="${1:-}"; [ $# -gt 0 ] && shift
while [ $# -gt 0 ]; do
  case "$1" in
    --kind|--k3d)
      CLUSTER_KIND="${1#--}"
      if [ $# -gt 1 ] && [[ "$2" != --* ]]; then CLUSTER_NAME="$2"; shift; fi ;;
    --tag) [ $# -gt 1 ] || die "--tag needs a value"; TAG="$2"; shift ;;
    *) die "unknown argument: $1" ;;
  esac
  shift
done
[[ "$TAG" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "not an image tag: $TAG"
[[ "$PREFIX" =~ ^[a-z0-9]([a-z0-9._:/-]*[a-z0-9])?$ ]] || die "not an image repository prefix: $PREFIX"
OPERATOR_IMAGE="$PREFIX/scaled-demo-operator:$TAG"
DEMO_APP_IMAGE="$PREFIX/demo-app:$TAG"

engine() {
  if [ -n "${CONTAINER_ENGINE:-}" ]; then echo "$CONTAINER_ENGINE"
  elif command -v docker >/dev/null; then echo docker
  elif command -v podman >/dev/null; then echo podman
  else die "neither docker nor podman found (set CONTAINER_ENGINE)"; fi
}

cmd_build() {
  local e; e=$(engine)
  log "packaging the operator"
  (cd "$ROOT" && ./mvnw -B -q -pl operator -am package -DskipTests) >&2
  log "$e build $OPERATOR_IMAGE"
  "$e" build -f "$ROOT/operator/src/main/docker/Dockerfile.jvm" -t "$OPERATOR_IMAGE" "$ROOT/operator" >&2
  log "$e build $DEMO_APP_IMAGE"
  "$e" build -f "$ROOT/Dockerfile" -t "$DEMO_APP_IMAGE" "$ROOT" >&2
}

cmd_load() {
  case "$CLUSTER_KIND" in
    kind|k3d) ;;
    *) die "load needs --kind [CLUSTER] or --k3d [CLUSTER]" ;;
  esac
  local e; e=$(engine)
  ARCHIVE=$(mktemp "${TMPDIR:-/tmp}/sdo-images.XXXXXX.tar")
  trap 'rm -f "$ARCHIVE"' EXIT   # also when save or load fails (set -e)
  "$e" save -o "$ARCHIVE" "$OPERATOR_IMAGE" "$DEMO_APP_IMAGE"
  case "$CLUSTER_KIND" in
    kind) kind load image-archive "$ARCHIVE" --name "${CLUSTER_NAME:-kind}" ;;
    k3d) k3d image import "$ARCHIVE" --cluster "${CLUSTER_NAME:-k3s-default}" ;;
  esac
  log "loaded $OPERATOR_IMAGE and $DEMO_APP_IMAGE into $CLUSTER_KIND cluster ${CLUSTER_NAME:-(default)}"
}

# install.yaml with the local tags: the operator container's image and DEMO_APP_IMAGE (the apps' default image).
# imagePullPolicy stays IfNotPresent, so the loaded images are used and nothing is pulled.
cmd_render() {
  local out
  out=$(sed -E \
    -e "s#^( +image: )ghcr\.io/scaled-demo/scaled-demo-operator:[^ ]+\$#\1$OPERATOR_IMAGE#" \
    -e "/name: DEMO_APP_IMAGE\$/{n;s#^( +value: )ghcr\.io/scaled-demo/demo-app:[^ ]+\$#\1$DEMO_APP_IMAGE#;}" \
    "$ROOT/deploy/install.yaml")
  [ "$(grep -c "image: $OPERATOR_IMAGE\$" <<< "$out")" = 1 ] || die "operator image not found in deploy/install.yaml"
  [ "$(grep -c "value: $DEMO_APP_IMAGE\$" <<< "$out")" = 1 ] || die "DEMO_APP_IMAGE not found in deploy/install.yaml"
  echo "$out"
}

case "$cmd" in
  build) cmd_build ;;
  load) cmd_load ;;
  render) cmd_render ;;
  up)
    [ -n "$CLUSTER_KIND" ] || die "up needs --kind [CLUSTER] or --k3d [CLUSTER]"
    cmd_build; cmd_load
    cmd_render | "${KUBECTL:-kubectl}" apply --server-side -f -
    log "installed; watch it with: ${KUBECTL:-kubectl} -n scaled-demo-system rollout status deploy/scaled-demo-operator" ;;
  *) echo "usage: $0 build|load|render|up [--kind [CLUSTER]|--k3d [CLUSTER]] [--tag TAG]" >&2; exit 2 ;;
esac
