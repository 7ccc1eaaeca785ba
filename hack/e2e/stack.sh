#!/usr/bin/env bash
# The end-to-end metrics stack around a cluster (test-only; for a local control plane from hack/cluster.sh):
#   Prometheus (Debian package, own config, loopback)  <- scrapes the demo-app processes of hack/e2e/PodRunner.java
#   prometheus-adapter (hack/build-e2e.sh), run by PodRunner with the ConfigMap the operator wrote, restarted when
#     the operator rolls the adapter Deployment; registered as APIService v1beta2.custom.metrics.k8s.io through a
#     Service of type ExternalName (localhost) + port, insecureSkipTLSVerify
#   PodRunner: one real demo-app process per Running pod of every ScaledDemoApp
#   with E2E_KEDA=1 also KEDA (hack/build-keda.sh): its CRDs, its operator and its metrics API server as local
#     processes (gRPC between them over mTLS with a generated CA; webhooks, cert rotation and APIService patching
#     off), the metrics server registered as APIService v1beta1.external.metrics.k8s.io like the adapter above
#
# Usage: hack/e2e/stack.sh up|down|status|env|stop-prometheus|start-prometheus|stop-adapter|start-adapter
#   up       start everything against $KUBECONFIG; returns once /apis/custom.metrics.k8s.io/v1beta2 answers
#   down     remove the APIService and its Service, stop every process `up` started (by PID), delete the state dir
#   status   processes, ports and the demo-app processes (pods.tsv: namespace pod app port pid serving)
#   env      print E2E_STATE, E2E_PROMETHEUS_URL, E2E_ADAPTER_PORT, E2E_PODS (for eval)
#   stop-/start-prometheus, stop-/start-adapter   failure injection for tests (same ports, same data)
# Env: KUBECONFIG (required), E2E_STATE (default /tmp/sdo-e2e), KUBECTL (default: the v1.36 kubectl of
#      hack/build-k8s.sh, else kubectl on PATH), ADAPTER_NAMESPACE/ADAPTER_CONFIG_MAP/ADAPTER_CONFIG_KEY/
#      ADAPTER_DEPLOYMENT (defaults monitoring/prometheus-adapter/config.yaml/prometheus-adapter, as the operator's),
#      E2E_ADAPTER_RELIST (default 2s), E2E_ADAPTER_MAX_AGE (default 2m: series seen that recently are listed;
#      it must exceed the longest scrape interval), E2E_KEEP_STATE=1 (down keeps logs),
#      E2E_SERVICE_MONITOR_SELECTOR (default release=prometheus, kube-prometheus-stack's serviceMonitorSelector:
#      only ServiceMonitors with these labels are scraped; empty: all), E2E_KEDA=1 (run KEDA too),
#      E2E_PROM_PORT (Prometheus' port; default a free one)
set -euo pipefail

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_TAG=e2e-stack
# shellcheck source=hack/lib.sh
. "$HACK_DIR/lib.sh"
ROOT="$(cd "$HACK_DIR/.." && pwd)"
STATE="${E2E_STATE:-/tmp/sdo-e2e}"
PIDS_FILE="$STATE/pids"
LOGS_DIR="$STATE/logs"
ADAPTER_NAMESPACE="${ADAPTER_NAMESPACE:-monitoring}"
ADAPTER_CONFIG_MAP="${ADAPTER_CONFIG_MAP:-prometheus-adapter}"
ADAPTER_CONFIG_KEY="${ADAPTER_CONFIG_KEY:-config.yaml}"
ADAPTER_DEPLOYMENT="${ADAPTER_DEPLOYMENT-prometheus-adapter}"
APISERVICE=v1beta2.custom.metrics.k8s.io
DEFAULT_RULES='rules:
- seriesQuery: '"'"'{__name__=~"^container_.*",container!="POD",namespace!="",pod!=""}'"'"'
  resources:
    overrides:
      namespace: {resource: namespace}
      pod: {resource: pod}
  name: {matches: ^container_(.*)_seconds_total$, as: ""}
  metricsQuery: sum(rate(<<.Series>>{<<.LabelMatchers>>,container!="POD"}[5m])) by (<<.GroupBy>>)
' 
SERVICE=sdo-e2e-custom-metrics   # in $ADAPTER_NAMESPACE
KEDA_NAMESPACE=keda
KEDA_APISERVICE=v1beta1.external.metrics.k8s.io
KEDA_SERVICE=sdo-e2e-keda-metrics   # in $KEDA_NAMESPACE

if [ -z "${KUBECTL:-}" ]; then
  KUBECTL=$(ls "$SDO_CACHE"/k8s/*/bin/kubectl 2>/dev/null | tail -1 || true)
  [ -n "$KUBECTL" ] || KUBECTL=$(command -v kubectl || true)
fi
kctl() { "$KUBECTL" --kubeconfig "$KUBECONFIG" "$@"; }

start_prometheus() {
  # shellcheck disable=SC1091
  . "$STATE/ports"
  start prometheus prometheus --config.file="$STATE/prometheus.yml" --storage.tsdb.path="$STATE/prometheus-data" \
    --web.listen-address="127.0.0.1:$PROM_PORT" --web.enable-lifecycle --storage.tsdb.retention.time=6h \
    --log.level=info
  log "prometheus on http://127.0.0.1:$PROM_PORT"
  wait_until "prometheus ready" 60 curl -fsS "http://127.0.0.1:$PROM_PORT/-/ready" \
    || { tail -20 "$STATE/logs/prometheus.log" >&2; die "prometheus not ready after 60s"; }
}

# apiservice_yaml APISERVICE NAMESPACE SERVICE PORT VERSION_PRIORITY: a Service of type ExternalName (localhost) with
# the port of a local metrics server, and the APIService (group.version from its name) that points at it
apiservice_yaml() {
  local name=$1 ns=$2 svc=$3 port=$4 priority=$5 version group
  version=${name%%.*}; group=${name#*.}
  cat <<EOF
apiVersion: v1
kind: Service
metadata:
  name: $svc
  namespace: $ns
  labels: {app.kubernetes.io/part-of: sdo-e2e}
spec:
  type: ExternalName
  externalName: localhost
  ports:
  - name: https
    port: $port
    targetPort: $port
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: $name
  labels: {app.kubernetes.io/part-of: sdo-e2e}
spec:
  group: $group
  version: $version
  groupPriorityMinimum: 100
  versionPriority: $priority
  insecureSkipTLSVerify: true
  service:
    name: $svc
    namespace: $ns
    port: $port
EOF
}

# the stand-in adapter Deployment the operator rolls (kwok runs its pod; PodRunner runs the real adapter)
adapter_deployment_yaml() {
  cat <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $ADAPTER_DEPLOYMENT
  namespace: $ADAPTER_NAMESPACE
spec:
  replicas: 1
  selector:
    matchLabels: {app.kubernetes.io/name: prometheus-adapter}
  template:
    metadata:
      labels: {app.kubernetes.io/name: prometheus-adapter}
    spec:
      containers:
      - name: prometheus-adapter
        image: registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0
EOF
}

# One CA and one certificate (serverAuth and clientAuth, for localhost/127.0.0.1) in the layout KEDA reads from
# --cert-dir: ca.crt, tls.crt, tls.key. The operator's gRPC server and the metrics server's client verify each other.
keda_certs() {
  local d=$1
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=sdo-e2e-keda-ca" -keyout "$d/ca.key" \
    -out "$d/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$d/tls.key" -out "$d/tls.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' > "$d/ext.cnf"
  openssl x509 -req -in "$d/tls.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
    -extfile "$d/ext.cnf" -out "$d/tls.crt" 2>/dev/null
}

keda_operator_ready() { # probe port: alive and its readiness probe answers
  check_alive keda-operator >/dev/null 2>&1 && curl -fsS -o /dev/null "http://127.0.0.1:$1/readyz"
}

start_keda() {
  local KEDA_DIR GRPC_PORT KEDA_METRICS_PORT
  KEDA_DIR=$("$HACK_DIR/build-keda.sh" | tail -1)
  [ -x "$KEDA_DIR/bin/keda-operator" ] && [ -x "$KEDA_DIR/bin/keda-adapter" ] || die "KEDA binaries missing in $KEDA_DIR"
  kctl apply --server-side --force-conflicts -f "$KEDA_DIR/crds/" >/dev/null
  await_established crd/scaledobjects.keda.sh
  kctl get namespace "$KEDA_NAMESPACE" >/dev/null 2>&1 || kctl create namespace "$KEDA_NAMESPACE" >/dev/null
  keda_certs "$STATE/keda-certs"
  local OPERATOR_METRICS_PORT PROBE_PORT ADAPTER_METRICS_PORT
  read -r GRPC_PORT KEDA_METRICS_PORT OPERATOR_METRICS_PORT PROBE_PORT ADAPTER_METRICS_PORT < <(free_ports 5)
  printf 'KEDA_GRPC_PORT=%s\nKEDA_METRICS_PORT=%s\n' "$GRPC_PORT" "$KEDA_METRICS_PORT" >> "$STATE/ports"
  # KEDA reads the namespace it runs in from these (in a pod: the service account's namespace file)
  start keda-operator env KEDA_CLUSTER_OBJECT_NAMESPACE="$KEDA_NAMESPACE" POD_NAMESPACE="$KEDA_NAMESPACE" \
    WATCH_NAMESPACE="" "$KEDA_DIR/bin/keda-operator" --kubeconfig="$KUBECONFIG" --leader-elect=false \
    --metrics-bind-address="127.0.0.1:$OPERATOR_METRICS_PORT" --health-probe-bind-address="127.0.0.1:$PROBE_PORT" \
    --metrics-service-bind-address="127.0.0.1:$GRPC_PORT" --cert-dir="$STATE/keda-certs" \
    --enable-cert-rotation=false --enable-webhook-patching=false --enable-apiservice-patching=false \
    --ca-dir="$STATE/keda-certs" --zap-log-level=info
  start keda-metrics env KEDA_CLUSTER_OBJECT_NAMESPACE="$KEDA_NAMESPACE" POD_NAMESPACE="$KEDA_NAMESPACE" \
    WATCH_NAMESPACE="" \
    "$KEDA_DIR/bin/keda-adapter" --lister-kubeconfig="$KUBECONFIG" --authentication-kubeconfig="$KUBECONFIG" \
    --authorization-kubeconfig="$KUBECONFIG" --bind-address=127.0.0.1 --secure-port="$KEDA_METRICS_PORT" \
    --cert-dir="$STATE/keda-certs" --tls-cert-file="$STATE/keda-certs/tls.crt" \
    --tls-private-key-file="$STATE/keda-certs/tls.key" --metrics-service-address="127.0.0.1:$GRPC_PORT" \
    --port="$ADAPTER_METRICS_PORT" --zap-log-level=info
  apiservice_yaml "$KEDA_APISERVICE" "$KEDA_NAMESPACE" "$KEDA_SERVICE" "$KEDA_METRICS_PORT" 100 | kctl apply -f - >/dev/null
  if ! wait_until "external.metrics.k8s.io/v1beta1 answers" 120 kctl get --raw /apis/external.metrics.k8s.io/v1beta1; then
    log "keda-operator log:"; tail -20 "$STATE/logs/keda-operator.log" >&2 || true
    log "keda-metrics log:"; tail -20 "$STATE/logs/keda-metrics.log" >&2 || true
    kctl get apiservice "$KEDA_APISERVICE" -o jsonpath='{.status.conditions}' >&2 || true
    die "external.metrics.k8s.io/v1beta1 did not answer within 120s"
  fi
  if ! wait_until "keda-operator ready" 120 keda_operator_ready "$PROBE_PORT"; then
    check_alive keda-operator || true
    die "keda-operator not ready within 120s (log: $STATE/logs/keda-operator.log)"
  fi
  log "KEDA $(basename "$KEDA_DIR") up: operator gRPC 127.0.0.1:$GRPC_PORT, metrics server https://127.0.0.1:$KEDA_METRICS_PORT"
}

cmd_up() {
  local T0; T0=$(date +%s)
  [ -n "${KUBECONFIG:-}" ] && [ -f "$KUBECONFIG" ] || die "KUBECONFIG must name a kubeconfig file"
  [ -x "$KUBECTL" ] || die "no kubectl (set KUBECTL)"
  any_alive && die "a stack is already running from $STATE (run '$0 down' first)"
  rm -rf "$STATE"
  mkdir -p "$STATE/logs"
  : > "$STATE/pids"
  local ADAPTER_BIN
  ADAPTER_BIN=$("$HACK_DIR/build-e2e.sh" | tail -1)
  [ -x "$ADAPTER_BIN" ] || die "prometheus-adapter binary missing: $ADAPTER_BIN"
  command -v prometheus >/dev/null || die "prometheus missing (hack/build-e2e.sh installs it)"
  local jar="$ROOT/demo-app/target/demo-app.jar"
  [ -f "$jar" ] || die "demo app jar missing: $jar"
  kctl get --raw /readyz >/dev/null 2>&1 || die "the API server of $KUBECONFIG does not answer"

  # what the pod runner reads must exist: the CRDs (ScaledDemoApp, ServiceMonitor) and the adapter's ConfigMap
  if ! kctl get crd scaleddemoapps.scaleddemo.dev >/dev/null 2>&1; then
    kctl apply --server-side -f "$ROOT/crds/" >/dev/null
  fi
  if ! kctl get crd servicemonitors.monitoring.coreos.com >/dev/null 2>&1; then
    local sm; sm=$(ls "$SDO_CACHE"/k8s/*/crds/monitoring.coreos.com_servicemonitors.yaml | tail -1)
    kctl apply --server-side -f "$sm" >/dev/null
  fi
  await_established crd/scaleddemoapps.scaleddemo.dev crd/servicemonitors.monitoring.coreos.com
  kctl get namespace "$ADAPTER_NAMESPACE" >/dev/null 2>&1 || kctl create namespace "$ADAPTER_NAMESPACE" >/dev/null
  if ! kctl -n "$ADAPTER_NAMESPACE" get configmap "$ADAPTER_CONFIG_MAP" >/dev/null 2>&1; then
    # prometheus-adapter serves custom.metrics.k8s.io only when its config has at least one rule: start from the
    # Helm chart's default container_* rule, as an installed adapter would have
    log "creating $ADAPTER_NAMESPACE/$ADAPTER_CONFIG_MAP with the chart's default rule (the operator merges its rules into it)"
    kctl -n "$ADAPTER_NAMESPACE" create configmap "$ADAPTER_CONFIG_MAP" --from-literal="$ADAPTER_CONFIG_KEY=$DEFAULT_RULES" >/dev/null
  fi
  local has_rules=true
  if ! kctl -n "$ADAPTER_NAMESPACE" get configmap "$ADAPTER_CONFIG_MAP" \
      -o jsonpath="{.data.${ADAPTER_CONFIG_KEY//./\\.}}" | grep -q seriesQuery; then
    has_rules=false
    log "WARNING: $ADAPTER_NAMESPACE/$ADAPTER_CONFIG_MAP has no rules yet: prometheus-adapter serves custom.metrics.k8s.io only once the operator adds one"
  fi
  if [ -n "$ADAPTER_DEPLOYMENT" ] && ! kctl -n "$ADAPTER_NAMESPACE" get deployment "$ADAPTER_DEPLOYMENT" >/dev/null 2>&1; then
    log "creating a stand-in $ADAPTER_NAMESPACE/$ADAPTER_DEPLOYMENT Deployment for the operator to roll"
    adapter_deployment_yaml | kctl apply -f - >/dev/null
  fi

  local PROM_PORT ADAPTER_PORT
  read -r PROM_PORT ADAPTER_PORT <<< "$(free_ports 2)"
  PROM_PORT=${E2E_PROM_PORT:-$PROM_PORT}
  printf 'PROM_PORT=%s\nADAPTER_PORT=%s\n' "$PROM_PORT" "$ADAPTER_PORT" > "$STATE/ports"
  printf 'global:\n  scrape_interval: 30s\nscrape_configs: []\n' > "$STATE/prometheus.yml"
  start_prometheus

  start runner java -XX:+UseSerialGC -Xmx96m -XX:TieredStopAtLevel=1 "$HACK_DIR/e2e/PodRunner.java" \
    --state "$STATE" --kubectl "$KUBECTL" --kubeconfig "$KUBECONFIG" --jar "$jar" \
    --prometheus-url "http://127.0.0.1:$PROM_PORT" --prometheus-config "$STATE/prometheus.yml" \
    --adapter "$ADAPTER_BIN" --adapter-port "$ADAPTER_PORT" --adapter-relist "${E2E_ADAPTER_RELIST:-2s}" --adapter-max-age "${E2E_ADAPTER_MAX_AGE:-2m}" \
    --adapter-namespace "$ADAPTER_NAMESPACE" --adapter-configmap "$ADAPTER_CONFIG_MAP" \
    --adapter-key "$ADAPTER_CONFIG_KEY" --adapter-deployment "$ADAPTER_DEPLOYMENT" \
    --service-monitor-selector "${E2E_SERVICE_MONITOR_SELECTOR-release=prometheus}"

  apiservice_yaml "$APISERVICE" "$ADAPTER_NAMESPACE" "$SERVICE" "$ADAPTER_PORT" 200 | kctl apply -f - >/dev/null
  if $has_rules && ! wait_until "custom.metrics.k8s.io/v1beta2 answers" 120 kctl get --raw /apis/custom.metrics.k8s.io/v1beta2; then
    log "runner log:"; tail -20 "$STATE/logs/runner.log" >&2 || true
    log "adapter log:"; tail -20 "$STATE/logs/adapter.log" >&2 || true
    kctl get apiservice "$APISERVICE" -o jsonpath='{.status.conditions}' >&2 || true
    die "custom.metrics.k8s.io/v1beta2 did not answer within 120s"
  fi
  [ "${E2E_KEDA:-0}" != 1 ] || start_keda
  log "stack up in $(( $(date +%s) - T0 ))s: prometheus http://127.0.0.1:$PROM_PORT, adapter https://127.0.0.1:$ADAPTER_PORT"
  echo "export E2E_STATE=$STATE"
}

cmd_down() {
  if [ ! -d "$STATE" ]; then log "no stack at $STATE"; return 0; fi
  if [ -f "$STATE/ports" ] && [ -n "${KUBECONFIG:-}" ] && [ -f "$KUBECONFIG" ]; then
    # shellcheck disable=SC1091
    . "$STATE/ports"
    kctl delete apiservice "$APISERVICE" --ignore-not-found --wait=false --request-timeout=10s >/dev/null 2>&1 || true
    kctl -n "$ADAPTER_NAMESPACE" delete service "$SERVICE" --ignore-not-found --wait=false --request-timeout=10s \
      >/dev/null 2>&1 || true
    log "removed APIService $APISERVICE and Service $ADAPTER_NAMESPACE/$SERVICE"
    if [ -n "${KEDA_METRICS_PORT:-}" ]; then
      kctl delete apiservice "$KEDA_APISERVICE" --ignore-not-found --wait=false --request-timeout=10s >/dev/null 2>&1 || true
      kctl -n "$KEDA_NAMESPACE" delete service "$KEDA_SERVICE" --ignore-not-found --wait=false --request-timeout=10s \
        >/dev/null 2>&1 || true
      log "removed APIService $KEDA_APISERVICE and Service $KEDA_NAMESPACE/$KEDA_SERVICE"
    fi
  fi
  stop_pid keda-metrics "$(pid_of keda-metrics)" 15
  stop_pid keda-operator "$(pid_of keda-operator)" 15
  # the runner first (it stops the demo apps and the adapter), then anything it left, then prometheus
  stop_pid runner "$(pid_of runner)" 20
  if [ -f "$STATE/runner.pids" ]; then
    local name pid
    while read -r name pid; do stop_pid "$name" "$pid" 5; done < "$STATE/runner.pids"
  fi
  stop_pid prometheus "$(pid_of prometheus)" 15
  if [ "${E2E_KEEP_STATE:-0}" = 1 ]; then rm -f "$STATE/pids"; log "stopped; state kept in $STATE"
  else rm -rf "$STATE"; log "stopped; removed $STATE"; fi
}

cmd_status() {
  [ -f "$PIDS_FILE" ] || { echo "not running ($STATE)"; return 1; }
  local rc=0
  print_status || rc=1
  cat "$STATE/ports"
  [ -f "$STATE/adapter.state" ] && sed 's/^/adapter./' "$STATE/adapter.state"
  [ -f "$STATE/pods.tsv" ] && cat "$STATE/pods.tsv"
  return $rc
}

cmd_env() {
  [ -f "$STATE/ports" ] || die "no stack at $STATE"
  # shellcheck disable=SC1091
  . "$STATE/ports"
  echo "export E2E_STATE=$STATE E2E_PROMETHEUS_URL=http://127.0.0.1:$PROM_PORT E2E_ADAPTER_PORT=$ADAPTER_PORT E2E_PODS=$STATE/pods.tsv"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  stop-prometheus) stop_pid prometheus "$(pid_of prometheus)" 15; set_pid prometheus "" ;;
  start-prometheus) alive "$(pid_of prometheus)" || start_prometheus ;;
  stop-adapter) touch "$STATE/adapter.paused"; log "adapter paused (the pod runner stops it within a second)" ;;
  start-adapter) rm -f "$STATE/adapter.paused"; log "adapter resumed (the pod runner starts it within a second)" ;;
  *) echo "usage: $0 up|down|status|env|stop-prometheus|start-prometheus|stop-adapter|start-adapter" >&2; exit 2 ;;
esac
