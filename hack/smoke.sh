#!/usr/bin/env bash
# Smoke test of the local control plane: up, Deployment reaches 2 ready replicas on
# kwok fake nodes, ServiceMonitor CRD becomes Established, down (always).
set -euo pipefail
LOG_TAG=smoke
# shellcheck source=hack/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export SDO_STATE="${SDO_STATE:-/tmp/sdo-smoke-$$}"
SDO_CACHE="${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}"


cleanup() {
  local rc=$?
  if [ $rc -ne 0 ] && [ -d "$SDO_STATE/logs" ]; then
    log "FAILED (rc=$rc); tail of component logs:"
    for f in "$SDO_STATE"/logs/*.log; do echo "----- $f" >&2; tail -15 "$f" >&2; done
  fi
  "$HACK_DIR/cluster.sh" down || true
  exit $rc
}
trap cleanup EXIT

T0=$(date +%s)
"$HACK_DIR/cluster.sh" up >/dev/null
eval "$("$HACK_DIR/cluster.sh" env)"
log "cluster up in $(( $(date +%s) - T0 ))s"
kubectl version 2>/dev/null | sed 's/^/  /' >&2 || true
kubectl get nodes -o wide >&2

# --- Deployment on fake nodes
kubectl create deployment smoke --image=busybox --replicas=2 -- sleep 3600 >/dev/null
kubectl rollout status deployment/smoke --timeout=90s >&2
ready=$(kubectl get deployment smoke -o jsonpath='{.status.readyReplicas}')
[ "$ready" = 2 ] || { log "expected 2 ready replicas, got '$ready'"; exit 1; }
nodes=$(kubectl get pods -l app=smoke -o jsonpath='{range .items[*]}{.spec.nodeName}{"\n"}{end}')
while read -r n; do
  [ -n "$n" ] || { log "pod not scheduled"; exit 1; }
  [ "$(kubectl get node "$n" -o jsonpath='{.metadata.labels.type}')" = kwok ] || { log "pod on non-kwok node $n"; exit 1; }
done <<< "$nodes"
kubectl get pods -l app=smoke -o wide >&2
log "deployment OK: 2/2 ready on kwok nodes"

# --- ServiceMonitor CRD
CRD_FILE=$(ls "$SDO_CACHE"/k8s/*/crds/monitoring.coreos.com_servicemonitors.yaml | tail -1)
kubectl apply --server-side -f "$CRD_FILE" >/dev/null
await_established crd/servicemonitors.monitoring.coreos.com
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: smoke
spec:
  selector:
    matchLabels:
      app: smoke
  endpoints:
  - port: http
EOF
kubectl get servicemonitor smoke >/dev/null
log "ServiceMonitor CRD established and usable"

log "PASS in $(( $(date +%s) - T0 ))s"
echo "smoke: 1 passed, 0 failed"
