#!/usr/bin/env bash
# The main job: run the operator against the current kube context, or, when there is none, against a local
# control plane started from hack/cluster.sh; install the CRDs, apply the tutorial sample and show it once Ready.
# Ctrl-C stops the operator (and the local cluster, if this script started it).
#
# Usage: hack/run.sh [--stack] [sample.yaml]      (default samples/prometheus-demo-app.yaml)
#   --stack  also bring up the end-to-end metrics stack (hack/e2e/stack.sh: Prometheus, prometheus-adapter, one
#            real demo-app process per pod) so that clicks really scale the app; prints the demo app's local URL
#            and Prometheus' (test-only: the demo-app processes stand in for the kwok pods; needs a cluster that
#            hack/cluster.sh started, since the processes and Prometheus run on this machine)
# Env:   SDO_STATE (local cluster state dir), E2E_STATE (stack state dir), DEMO_NAMESPACE (default default)
set -euo pipefail
LOG_TAG=run
# shellcheck source=hack/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WITH_STACK=false
if [ "${1:-}" = --stack ]; then WITH_STACK=true; shift; fi
SAMPLE="${1:-$ROOT/samples/prometheus-demo-app.yaml}"
NS="${DEMO_NAMESPACE:-default}"
export SDO_STATE="${SDO_STATE:-/tmp/sdo-run}"

started_cluster=false
started_stack=false
operator_pid=""
cleanup() {
  [ -n "$operator_pid" ] && kill "$operator_pid" 2>/dev/null && wait "$operator_pid" 2>/dev/null || true
  if $started_stack; then "$ROOT/hack/e2e/stack.sh" down || true; fi
  if $started_cluster; then "$ROOT/hack/cluster.sh" down || true; fi
}
trap cleanup EXIT INT TERM

if kubectl version --request-timeout=5s >/dev/null 2>&1; then
  log "using the current kube context: $(kubectl config current-context 2>/dev/null || echo "$KUBECONFIG")"
else
  log "no reachable cluster: starting a local control plane in $SDO_STATE"
  "$ROOT/hack/cluster.sh" up
  started_cluster=true
  eval "$("$ROOT/hack/cluster.sh" env)"
  cache="${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}"
  sm_crd=$(ls "$cache"/k8s/*/crds/monitoring.coreos.com_servicemonitors.yaml | head -1)
  kubectl apply --server-side -f "$sm_crd" >/dev/null
fi

kubectl apply --server-side -f "$ROOT/crds/" >/dev/null
await_established crd/scaleddemoapps.scaleddemo.dev

if $WITH_STACK; then
  export E2E_STATE="${E2E_STATE:-$SDO_STATE-e2e}"
  # scrape every ServiceMonitor, whatever labels the sample gives it (the tests select release=prometheus)
  export E2E_SERVICE_MONITOR_SELECTOR="${E2E_SERVICE_MONITOR_SELECTOR-}"
  log "bringing up the end-to-end metrics stack in $E2E_STATE"
  started_stack=true
  "$ROOT/hack/e2e/stack.sh" up >/dev/null
  eval "$("$ROOT/hack/e2e/stack.sh" env)"
fi

# prometheus-adapter is cluster infrastructure; on a bare local cluster give the operator an empty config to
# merge into, and do not ask it to roll a Deployment that is not there.
ADAPTER_NAMESPACE="${ADAPTER_NAMESPACE:-monitoring}"
ADAPTER_CONFIG_MAP="${ADAPTER_CONFIG_MAP:-prometheus-adapter}"
if ! kubectl -n "$ADAPTER_NAMESPACE" get configmap "$ADAPTER_CONFIG_MAP" >/dev/null 2>&1; then
  log "prometheus-adapter not installed: creating an empty $ADAPTER_NAMESPACE/$ADAPTER_CONFIG_MAP"
  kubectl create namespace "$ADAPTER_NAMESPACE" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  kubectl -n "$ADAPTER_NAMESPACE" create configmap "$ADAPTER_CONFIG_MAP" --from-literal=config.yaml='rules: []' >/dev/null
fi
if ! kubectl -n "$ADAPTER_NAMESPACE" get deployment "${ADAPTER_DEPLOYMENT:-prometheus-adapter}" >/dev/null 2>&1; then
  export ADAPTER_DEPLOYMENT=""
fi
export ADAPTER_NAMESPACE ADAPTER_CONFIG_MAP

jar="$ROOT/operator/target/quarkus-app/quarkus-run.jar"
if [ ! -f "$jar" ]; then
  log "building the operator"
  (cd "$ROOT" && ./mvnw -B -q -pl operator -am package -DskipTests)
fi
log "starting the operator (log: $SDO_STATE-operator.log)"
java -jar "$jar" > "$SDO_STATE-operator.log" 2>&1 &
operator_pid=$!

kubectl -n "$NS" apply -f "$SAMPLE"
name=$(kubectl -n "$NS" apply -f "$SAMPLE" --dry-run=client -o jsonpath='{.metadata.name}')
log "waiting for $NS/$name to be Ready"
if ! kubectl -n "$NS" wait --for condition=Ready --timeout=180s "scaleddemoapp/$name"; then
  kubectl -n "$NS" get sda "$name" -o jsonpath='{range .status.conditions[*]}{.type}={.status} {.reason}: {.message}{"\n"}{end}'
  exit 1
fi
kubectl -n "$NS" get sda,deploy,svc,ing,servicemonitor,hpa -l "app.kubernetes.io/instance=$name" 2>/dev/null || true
kubectl -n "$NS" get sda "$name"
if $WITH_STACK; then
  for _ in $(seq 1 60); do
    port=$(awk -v ns="$NS" -v app="$name" '$1==ns && $3==app && $6==1 {print $4; exit}' "$E2E_PODS" 2>/dev/null || true)
    [ -n "$port" ] && break
    sleep 1
  done
  log "demo app (the first pod's process; each pod has its own, see $E2E_PODS): http://127.0.0.1:${port:-?}/"
  log "Prometheus: $E2E_PROMETHEUS_URL   click: curl -X POST http://127.0.0.1:${port:-?}/click-button"
fi
if [ -t 0 ]; then
  log "watching (Ctrl-C to stop)"
  kubectl -n "$NS" get sda -w
fi
