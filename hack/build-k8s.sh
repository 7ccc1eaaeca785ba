#!/usr/bin/env bash
# Builds the local Kubernetes control plane binaries from the Go module proxy
# (no GitHub, no prebuilt downloads) into a cache outside the repo:
#   ${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}/k8s/<k8s-version>/bin/
# Idempotent: each component has a marker file; a cached run takes seconds.
# Prints the cache bin dir as the last line of stdout.
set -euo pipefail
LOG_TAG=build-k8s
# shellcheck source=hack/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lock_tool_build  # one build of a tool at a time (the cache is shared by work trees and CI)

K8S_VERSION="${K8S_VERSION:-v1.36.3}"       # k8s.io/kubernetes
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"     # go.etcd.io/etcd/server/v3
KWOK_VERSION="${KWOK_VERSION:-v0.7.0}"      # sigs.k8s.io/kwok
PROM_OP_VERSION="${PROM_OP_VERSION:-v0.85.0}" # prometheus-operator (ServiceMonitor CRD)
BUILD_KUBECTL="${BUILD_KUBECTL:-auto}"      # auto|true|false

export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED=0
export GOFLAGS="-buildvcs=false"

SDO_CACHE="${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}"
ROOT="$SDO_CACHE/k8s/$K8S_VERSION"
BIN="$ROOT/bin"
CRDS="$ROOT/crds"
MARK="$ROOT/.markers"
mkdir -p "$BIN" "$CRDS" "$MARK"

START=$(date +%s)

# minor of a version string like v1.36.3 / v1.32.4-dispatcher
minor_of() { echo "$1" | sed -E 's/^v?[0-9]+\.([0-9]+).*/\1/'; }

need_kubectl() {
  case "$BUILD_KUBECTL" in
    true) return 0 ;; false) return 1 ;;
  esac
  local sys
  sys=$(kubectl version --client -o json 2>/dev/null | sed -nE 's/.*"gitVersion": *"([^"]+)".*/\1/p' | head -1 || true)
  [ -z "$sys" ] && return 0
  local want have
  want=$(minor_of "$K8S_VERSION"); have=$(minor_of "$sys")
  [ $((want - have)) -gt 1 ]
}

# ---------------------------------------------------------------- kubernetes
build_kubernetes() {
  local targets=(kube-apiserver kube-controller-manager kube-scheduler)
  if need_kubectl; then targets+=(kubectl); fi
  local tag; tag="kubernetes-$(IFS=,; echo "${targets[*]}")"
  if [ -f "$MARK/$tag" ]; then log "kubernetes $K8S_VERSION cached (${targets[*]})"; return; fi
  local t0; t0=$(date +%s)
  log "downloading k8s.io/kubernetes@$K8S_VERSION"
  local gomod
  gomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')
  local staging_ver="v0.${K8S_VERSION#v1.}"
  local w; w=$(mktemp -d "${TMPDIR:-/tmp}/sdo-k8s-wrap.XXXXXX")
  {
    echo "module sdo.local/k8sbuild"
    echo
    echo "go $(sed -nE 's/^go ([0-9.]+)$/\1/p' "$gomod" | head -1)"
    sed -nE 's/^godebug (.*)$/godebug \1/p' "$gomod"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    # every module that upstream replaces with ./staging/... -> published v0.Y.Z
    grep -E '=>[[:space:]]*\./staging/' "$gomod" | awk -v v="$staging_ver" '{print "\t" $1 " => " $1 " " v}'
    echo ")"
  } > "$w/go.mod"
  log "wrapper module $w ($(grep -c ' => ' "$w/go.mod") staging replaces -> $staging_ver)"
  local pkgs=()
  for t in "${targets[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$t"); done
  log "go build ${targets[*]} (this is the slow part)"
  (cd "$w" && go build -mod=mod -p "${BUILD_PARALLELISM:-2}" -trimpath -ldflags "-s -w \
      -X k8s.io/component-base/version.gitVersion=$K8S_VERSION \
      -X k8s.io/component-base/version.gitMajor=1 \
      -X k8s.io/component-base/version.gitMinor=$(minor_of "$K8S_VERSION") \
      -X k8s.io/component-base/version.gitTreeState=clean \
      -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION" \
      -tags selinux,notest -o "$BIN/" "${pkgs[@]}")
  rm -rf "$w"
  touch "$MARK/$tag"
  log "kubernetes built in $(( $(date +%s) - t0 ))s"
}

# ---------------------------------------------------------------- etcd
build_etcd() {
  if [ -f "$MARK/etcd-$ETCD_VERSION" ] && [ -x "$BIN/etcd" ]; then log "etcd $ETCD_VERSION cached"; return; fi
  local t0; t0=$(date +%s)
  local w; w=$(mktemp -d "${TMPDIR:-/tmp}/sdo-etcd-wrap.XXXXXX")
  cat > "$w/go.mod" <<EOF
module sdo.local/etcd

go 1.24

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
EOF
  # etcd's own main (go.etcd.io/etcd/v3 at the repo root) just calls etcdmain.Main;
  # that module uses local replaces, so we provide an equivalent main here.
  cat > "$w/main.go" <<'EOF'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
  log "go build etcd $ETCD_VERSION"
  (cd "$w" && go build -mod=mod -p "${BUILD_PARALLELISM:-2}" -trimpath -ldflags "-s -w" -o "$BIN/etcd" .)
  rm -rf "$w"
  touch "$MARK/etcd-$ETCD_VERSION"
  log "etcd built in $(( $(date +%s) - t0 ))s"
}

# ---------------------------------------------------------------- kwok
build_kwok() {
  if [ -f "$MARK/kwok-$KWOK_VERSION" ] && [ -x "$BIN/kwok" ]; then log "kwok $KWOK_VERSION cached"; return; fi
  local t0; t0=$(date +%s)
  log "go install sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  GOBIN="$BIN" go install -p "${BUILD_PARALLELISM:-2}" -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  touch "$MARK/kwok-$KWOK_VERSION"
  log "kwok built in $(( $(date +%s) - t0 ))s"
}

# ---------------------------------------------------------------- CRDs
fetch_crds() {
  local f="$CRDS/monitoring.coreos.com_servicemonitors.yaml"
  if [ -f "$MARK/promop-$PROM_OP_VERSION" ] && [ -s "$f" ]; then log "ServiceMonitor CRD $PROM_OP_VERSION cached"; return; fi
  local dir
  dir=$(go mod download -json "github.com/prometheus-operator/prometheus-operator@$PROM_OP_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  cp "$dir/example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml" "$f"
  chmod 644 "$f"
  touch "$MARK/promop-$PROM_OP_VERSION"
  log "ServiceMonitor CRD copied from prometheus-operator $PROM_OP_VERSION"
}

fetch_crds
build_etcd
build_kwok
build_kubernetes

log "done in $(( $(date +%s) - START ))s; binaries in $BIN"
echo "$BIN"
