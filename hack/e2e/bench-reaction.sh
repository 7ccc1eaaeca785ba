#!/usr/bin/env bash
# Reaction-time benchmark: from the first click of a sustained load to the HPA's first scale-up decision and to
# the new replicas being Ready, for the tutorial's settings (15s scrape, 2m window) and the fastest the CRD allows
# in practice (1s scrape, 4s window = the 4-interval minimum). Both use a target of 1 click/s per pod and a load of
# 2 clicks/s (twice the target: the HPA wants 2 replicas) and no spec.scaling.behavior (Kubernetes' defaults).
# Each scenario runs on both scaling backends side by side: PrometheusAdapter (prometheus-adapter + the operator's
# HPA) and Keda (KEDA's ScaledObject, KEDA's metrics server and HPA; the stack runs KEDA with E2E_KEDA=1).
#
# Starts its own local control plane (hack/cluster.sh), the e2e stack (hack/e2e/stack.sh) and the operator
# (operator/target/quarkus-app, built if missing), runs each scenario BENCH_RUNS times (default 1) and tears
# everything down. Loopback only; the load is bounded by BENCH_TIMEOUT seconds per run (default 300).
# Env: BENCH_RUNS, BENCH_TIMEOUT, BENCH_SCENARIOS (default "tutorial fastest"), E2E_ADAPTER_RELIST (2s),
#      BENCH_BACKENDS (default "PrometheusAdapter Keda")
set -euo pipefail
LOG_TAG=bench
# shellcheck source=hack/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export SDO_STATE="${SDO_STATE:-/tmp/sdo-bench-cluster-$$}"
export E2E_STATE="${E2E_STATE:-/tmp/sdo-bench-e2e-$$}"
RUNS="${BENCH_RUNS:-1}"
TIMEOUT="${BENCH_TIMEOUT:-300}"
SCENARIOS="${BENCH_SCENARIOS:-tutorial fastest}"
BACKENDS="${BENCH_BACKENDS:-PrometheusAdapter Keda}"
case " $BACKENDS " in *" Keda "*) export E2E_KEDA=1 ;; esac

operator_pid=""
cleanup() {
  [ -n "$operator_pid" ] && kill "$operator_pid" 2>/dev/null && wait "$operator_pid" 2>/dev/null || true
  "$ROOT/hack/e2e/stack.sh" down >/dev/null 2>&1 || true
  "$ROOT/hack/cluster.sh" down >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 143' INT TERM # a signal ends the run (the EXIT trap cleans up) instead of resuming it

"$ROOT/hack/cluster.sh" up >/dev/null
eval "$("$ROOT/hack/cluster.sh" env)"
KUBECTL="$(dirname "$(ls "${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}"/k8s/*/bin/kubectl | tail -1)")/kubectl"
export KUBECTL
k() { "$KUBECTL" --kubeconfig "$KUBECONFIG" "$@"; }
"$ROOT/hack/e2e/stack.sh" up >/dev/null
eval "$("$ROOT/hack/e2e/stack.sh" env)"

jar="$ROOT/operator/target/quarkus-app/quarkus-run.jar"
[ -f "$jar" ] || (cd "$ROOT" && ./mvnw -B -q -pl operator -am package -DskipTests)
KEDA_PROMETHEUS_ADDRESS="$E2E_PROMETHEUS_URL" java -jar "$jar" > "$E2E_STATE/logs/operator.log" 2>&1 &
operator_pid=$!
kcm_pid=$(awk '$1=="kube-controller-manager"{print $2}' "$SDO_STATE/pids")
hpa_sync=$(tr '\0' ' ' < "/proc/$kcm_pid/cmdline" | grep -o -- '--horizontal-pod-autoscaler-sync-period [^ ]*' | awk '{print $2}')

metric_served() { # ns counter backend
  if [ "$3" = Keda ]; then
    k -n "$1" get hpa keda-hpa-bench -o jsonpath='{.status.currentMetrics[0].external.current.averageValue}' 2>/dev/null \
      | grep -q .
  else
    # the name our HPA asks for (it carries the window unless the window is the default)
    local metric
    metric=$(k -n "$1" get hpa bench -o jsonpath='{.spec.metrics[0].pods.metric.name}' 2>/dev/null) || return 1
    [ -n "$metric" ] && k get --raw "/apis/custom.metrics.k8s.io/v1beta2/namespaces/$1/pods/*/$metric" 2>/dev/null \
      | grep -q '"value"'
  fi
}

results=()
for scenario in $SCENARIOS; do
  case "$scenario" in
    tutorial) interval=15s window=2m ;;
    fastest) interval=1s window=4s ;;
    *) log "unknown scenario $scenario"; exit 2 ;;
  esac
  for run in $(seq 1 "$RUNS"); do
  for backend in $BACKENDS; do
    b=$(echo "$backend" | tr 'A-Z' 'a-z')
    ns="bench-$scenario-$run-$b"
    counter="bench_${scenario}_${run}_${b}_clicks_total"
    k create namespace "$ns" >/dev/null
    k -n "$ns" apply -f - >/dev/null <<EOF
apiVersion: scaleddemo.dev/v1alpha1
kind: ScaledDemoApp
metadata:
  name: bench
spec:
  metric: {counter: $counter}
  scaling: {backend: $backend, minReplicas: 1, maxReplicas: 4, targetClicksPerSecondPerPod: "1", rateWindow: $window}
  monitoring: {interval: $interval, dashboard: false, serviceMonitorLabels: {release: prometheus}}
EOF
    k -n "$ns" wait --for condition=Ready --timeout=180s scaleddemoapp/bench >/dev/null
    # the chain is in place: the adapter (restarted with the new rule) serves the metric, 0 before any click
    # (Keda: KEDA's HPA reads the external metric, 0 before any click)
    t=0
    until metric_served "$ns" "$counter" "$backend"; do
      t=$((t + 1)); [ "$t" -gt 300 ] && { log "metric of $counter never served ($backend)"; exit 1; }
      sleep 1
    done
    log "$scenario run $run $backend: scrape $interval, window $window, adapter relist ${E2E_ADAPTER_RELIST:-2s}, HPA sync $hpa_sync: clicking 2/s"
    r=$(python3 "$ROOT/hack/e2e/bench_reaction.py" --kubectl "$KUBECTL" --kubeconfig "$KUBECONFIG" --namespace "$ns" \
      --app bench --counter "$counter" --window "$window" --prometheus "$E2E_PROMETHEUS_URL" --pods "$E2E_PODS" \
      --rate 2 --timeout "$TIMEOUT" --backend "$backend")
    log "$scenario run $run $backend: $r"
    results+=("$scenario|$backend|$interval|$window|$r")
    k delete namespace "$ns" --wait=false >/dev/null
  done
  done
done

echo
echo "reaction to a sustained load of 2 clicks/s (target 1/s per pod, min 1, max 4; seconds after the first click)"
printf '%-9s %-18s %-7s %-7s %-8s %-11s %-12s %-12s %-14s %s\n' scenario backend scrape window "rate>0" "metrics API" "HPA decision" "pods Ready" "apps serving" "desired"
for line in "${results[@]}"; do
  IFS='|' read -r s b i w json <<< "$line"
  python3 - "$s" "$b" "$i" "$w" "$json" <<'EOF'
import json, sys
s, b, i, w, j = sys.argv[1:6]
d = json.loads(j)
g = lambda k: str(d.get(k, "-"))
print(f"{s:<9} {b:<18} {i:<7} {w:<7} {g('prometheus'):<8} {g('adapter'):<11} {g('decision'):<12} {g('ready'):<12} {g('serving'):<14} {g('desired')}")
EOF
done
echo "breakdown: scrape interval (first sample with the clicks), rate window (rate() over it must exceed the target"
echo "by the HPA's 10% tolerance), metrics API: prometheus-adapter (relist ${E2E_ADAPTER_RELIST:-2s}, only for new series;"
echo "values are queried on demand) or KEDA's metrics server (asks KEDA's operator, which queries Prometheus), HPA sync $hpa_sync (Kubernetes' default is 15s), then kwok marks new pods Ready about 1s after scheduling."
