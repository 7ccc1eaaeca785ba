#!/usr/bin/env bash
# Local Kubernetes control plane without containers:
#   etcd + kube-apiserver + kube-controller-manager + kube-scheduler + kwok (fake nodes)
# Binaries come from hack/build-k8s.sh (built once from the Go module proxy, cached).
#
# Usage: hack/cluster.sh up|down|env|status
#   up      build (if not cached), start everything, wait until ready, create fake nodes
#   down    stop every process started by `up` (by recorded PID) and remove the state dir
#   env     print `export KUBECONFIG=...` (and PATH with the matching kubectl), for eval
#   status  show the recorded processes and whether they are alive
# Env: SDO_STATE (default /tmp/sdo-cluster), SDO_CACHE (see build-k8s.sh),
#      SDO_FAKE_NODES (default 2), SDO_KEEP_STATE=1 (down keeps logs/state),
#      SDO_CONTROLLER_QPS (default: Kubernetes' own, 20 requests/s per controller of kube-controller-manager and 50
#      for kube-scheduler; the scale benchmark raises it so that these controllers are not what it measures)
set -euo pipefail

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOG_TAG=cluster
# shellcheck source=hack/lib.sh
. "$HACK_DIR/lib.sh"
STATE_DIR="${SDO_STATE:-/tmp/sdo-cluster}"
FAKE_NODES="${SDO_FAKE_NODES:-2}"
CONTROLLER_QPS=()
if [ -n "${SDO_CONTROLLER_QPS:-}" ]; then
  CONTROLLER_QPS=(--kube-api-qps "$SDO_CONTROLLER_QPS" --kube-api-burst "$(( 2 * SDO_CONTROLLER_QPS ))")
fi
KUBECONFIG_FILE="$STATE_DIR/kubeconfig"
PIDS_FILE="$STATE_DIR/pids"
LOGS_DIR="$STATE_DIR/logs"

bin_dir() {
  # build-k8s.sh prints the bin dir as its last stdout line; it is a no-op when cached
  "$HACK_DIR/build-k8s.sh" | tail -1
}

kctl() { "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

gen_certs() {
  local d="$STATE_DIR/pki"
  mkdir -p "$d"
  (
    cd "$d"
    # cluster CA
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
      -subj "/CN=sdo-ca" >/dev/null 2>&1
    # apiserver serving cert
    cat > apiserver.ext <<EOF
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
EOF
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" >/dev/null 2>&1
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt \
      -days 3650 -extfile apiserver.ext >/dev/null 2>&1
    # admin client cert (system:masters)
    cat > client.ext <<EOF
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth
EOF
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=sdo-admin" >/dev/null 2>&1
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt \
      -days 3650 -extfile client.ext >/dev/null 2>&1
    # service-account signing key
    openssl genrsa -out sa.key 2048 >/dev/null 2>&1
    openssl rsa -in sa.key -pubout -out sa.pub >/dev/null 2>&1
    # front-proxy CA + client (aggregated APIs)
    openssl req -x509 -newkey rsa:2048 -nodes -keyout front-proxy-ca.key -out front-proxy-ca.crt -days 3650 \
      -subj "/CN=sdo-front-proxy-ca" >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -keyout front-proxy-client.key -out front-proxy-client.csr \
      -subj "/CN=front-proxy-client" >/dev/null 2>&1
    openssl x509 -req -in front-proxy-client.csr -CA front-proxy-ca.crt -CAkey front-proxy-ca.key -CAcreateserial \
      -out front-proxy-client.crt -days 3650 -extfile client.ext >/dev/null 2>&1
    rm -f ./*.csr ./*.srl
    chmod 600 ./*.key
  )
}

write_kubeconfig() {
  local port=$1 d="$STATE_DIR/pki"
  cat > "$KUBECONFIG_FILE" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: sdo
  cluster:
    server: https://127.0.0.1:$port
    certificate-authority-data: $(base64 -w0 < "$d/ca.crt")
users:
- name: sdo-admin
  user:
    client-certificate-data: $(base64 -w0 < "$d/admin.crt")
    client-key-data: $(base64 -w0 < "$d/admin.key")
contexts:
- name: sdo
  context:
    cluster: sdo
    user: sdo-admin
    namespace: default
current-context: sdo
EOF
  chmod 600 "$KUBECONFIG_FILE"
}

fake_node_yaml() {
  local name=$1
  cat <<EOF
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations:
    node.alpha.kubernetes.io/ttl: "0"
    kwok.x-k8s.io/node: fake
  labels:
    beta.kubernetes.io/arch: amd64
    beta.kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: $name
    kubernetes.io/os: linux
    kubernetes.io/role: agent
    node-role.kubernetes.io/agent: ""
    type: kwok
status:
  allocatable:
    cpu: "32"
    memory: 256Gi
    pods: "110"
  capacity:
    cpu: "32"
    memory: 256Gi
    pods: "110"
  nodeInfo:
    architecture: amd64
    operatingSystem: linux
    kubeletVersion: fake
    kubeProxyVersion: fake
  phase: Running
EOF
}

cmd_up() {
  local T0; T0=$(date +%s)
  if [ -f "$PIDS_FILE" ]; then
    any_alive && die "a cluster is already running from $STATE_DIR (run '$0 down' first)"
    rm -rf "$STATE_DIR"
  fi
  local BIN; BIN=$(bin_dir)
  [ -x "$BIN/kube-apiserver" ] || die "kube-apiserver missing in $BIN"
  if [ -x "$BIN/kubectl" ]; then KUBECTL="$BIN/kubectl"; else KUBECTL="$(command -v kubectl)"; fi
  local T1; T1=$(date +%s)

  mkdir -p "$STATE_DIR/logs" "$STATE_DIR/etcd" && chmod 700 "$STATE_DIR/etcd"
  : > "$STATE_DIR/pids"
  echo "$BIN" > "$STATE_DIR/bin"
  gen_certs
  local d="$STATE_DIR/pki"

  local ETCD_PORT ETCD_PEER_PORT API_PORT KCM_PORT SCHED_PORT
  read -r ETCD_PORT ETCD_PEER_PORT API_PORT KCM_PORT SCHED_PORT <<< "$(free_ports 5)"
  cat > "$STATE_DIR/ports" <<EOF
ETCD_PORT=$ETCD_PORT
ETCD_PEER_PORT=$ETCD_PEER_PORT
API_PORT=$API_PORT
KCM_PORT=$KCM_PORT
SCHED_PORT=$SCHED_PORT
EOF

  start etcd "$BIN/etcd" \
    --name sdo --data-dir "$STATE_DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "sdo=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-state new \
    --unsafe-no-fsync --quota-backend-bytes 2147483648 --log-level warn
  wait_until "etcd" 30 curl -fsS "http://127.0.0.1:$ETCD_PORT/health" || die "etcd not ready"
  check_alive etcd

  # the node-taint-at-creation plugin is TaintNodesByCondition in current releases
  # (TaintNodesAtCreation in some docs): disable whichever this build knows
  local DISABLED_ADMISSION=ServiceAccount p help
  help=$("$BIN/kube-apiserver" --help 2>&1 | tr -s ' ,.\n' '\n\n\n\n' || true)
  for p in TaintNodesAtCreation TaintNodesByCondition; do
    grep -qx "$p" <<< "$help" && DISABLED_ADMISSION="$DISABLED_ADMISSION,$p"
  done
  # Every write, and the reads of ServiceAccounts (an operator run as one), one JSON line each: tests count the
  # operator's writes in steady state with it, the scale benchmark its requests per app. A ScaledDemoApp's status
  # writes keep their body: what each one changed (a patch that repeats the previous one is a wasted write).
  cat > "$STATE_DIR/audit-policy.yaml" <<'EOF'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: Request
  resources: [{group: scaleddemo.dev, resources: ["scaleddemoapps/status"]}]
  verbs: ["update", "patch"]
- level: Metadata
  verbs: ["create", "update", "patch", "delete", "deletecollection"]
- level: Metadata
  userGroups: ["system:serviceaccounts"]
  verbs: ["get", "list", "watch"]
- level: None
EOF
  start kube-apiserver "$BIN/kube-apiserver" \
    --audit-policy-file "$STATE_DIR/audit-policy.yaml" --audit-log-path "$STATE_DIR/audit.log" \
    --audit-log-maxsize 200 --audit-log-maxbackup 1 \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --advertise-address 127.0.0.1 --bind-address 127.0.0.1 --secure-port "$API_PORT" \
    --tls-cert-file "$d/apiserver.crt" --tls-private-key-file "$d/apiserver.key" \
    --client-ca-file "$d/ca.crt" \
    --authorization-mode Node,RBAC \
    --endpoint-reconciler-type none \
    --disable-admission-plugins "$DISABLED_ADMISSION" \
    --service-cluster-ip-range 10.96.0.0/16 \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$d/sa.pub" --service-account-signing-key-file "$d/sa.key" \
    --requestheader-client-ca-file "$d/front-proxy-ca.crt" \
    --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- \
    --proxy-client-cert-file "$d/front-proxy-client.crt" --proxy-client-key-file "$d/front-proxy-client.key" \
    --allow-privileged=true \
    --v 1
  write_kubeconfig "$API_PORT"
  local t_api; t_api=$(date +%s)
  until kctl get --raw /readyz >/dev/null 2>&1; do
    check_alive kube-apiserver || die "kube-apiserver failed to start"
    [ $(( $(date +%s) - t_api )) -ge 90 ] && die "kube-apiserver not ready after 90s (see $STATE_DIR/logs/kube-apiserver.log)"
    sleep 0.3
  done
  log "kube-apiserver ready on https://127.0.0.1:$API_PORT after $(( $(date +%s) - t_api ))s"

  start kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig "$KUBECONFIG_FILE" \
    --authentication-kubeconfig "$KUBECONFIG_FILE" --authorization-kubeconfig "$KUBECONFIG_FILE" \
    --bind-address 127.0.0.1 --secure-port "$KCM_PORT" \
    --leader-elect=false \
    --controllers deployment-controller,replicaset-controller,garbage-collector-controller,horizontal-pod-autoscaler-controller,namespace-controller,endpointslice-controller,endpoints-controller,serviceaccount-controller,serviceaccount-token-controller,pod-garbage-collector-controller,statefulset-controller,root-ca-certificate-publisher-controller,disruption-controller,job-controller,clusterrole-aggregation-controller \
    --horizontal-pod-autoscaler-sync-period 5s \
    --service-account-private-key-file "$d/sa.key" --root-ca-file "$d/ca.crt" \
    --use-service-account-credentials=false \
    --cluster-signing-cert-file "$d/ca.crt" --cluster-signing-key-file "$d/ca.key" \
    "${CONTROLLER_QPS[@]}" --v 1

  start kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig "$KUBECONFIG_FILE" \
    --authentication-kubeconfig "$KUBECONFIG_FILE" --authorization-kubeconfig "$KUBECONFIG_FILE" \
    --bind-address 127.0.0.1 --secure-port "$SCHED_PORT" \
    --leader-elect=false "${CONTROLLER_QPS[@]}" --v 1

  start kwok "$BIN/kwok" \
    --kubeconfig "$KUBECONFIG_FILE" \
    --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --node-ip 127.0.0.1 --cidr 10.0.0.1/24 \
    --node-lease-duration-seconds 40

  local i
  for i in $(seq 0 $(( FAKE_NODES - 1 ))); do
    fake_node_yaml "kwok-node-$i" | kctl apply -f - >/dev/null
  done

  # readiness: components healthy and the fake nodes Ready (kwok drives their status)
  wait_until "kube-controller-manager healthz" 60 curl -fsSk "https://127.0.0.1:$KCM_PORT/healthz" || die "kube-controller-manager healthz not ready"
  wait_until "kube-scheduler healthz" 60 curl -fsSk "https://127.0.0.1:$SCHED_PORT/healthz" || die "kube-scheduler healthz not ready"
  check_alive kwok || die "kwok failed"
  kctl wait --for=condition=Ready node -l type=kwok --timeout=60s >/dev/null \
    || die "fake nodes not Ready (see $STATE_DIR/logs/kwok.log)"
  wait_until "default serviceaccount" 60 kctl get serviceaccount default -n default || die "default serviceaccount not ready"
  log "cluster up in $(( $(date +%s) - T0 ))s (start without build: $(( $(date +%s) - T1 ))s); KUBECONFIG=$KUBECONFIG_FILE"
  echo "export KUBECONFIG=$KUBECONFIG_FILE"
}

cmd_down() {
  if [ ! -f "$STATE_DIR/pids" ]; then log "no cluster state at $STATE_DIR"; [ "${SDO_KEEP_STATE:-0}" = 1 ] || rm -rf "$STATE_DIR"; return 0; fi
  # stop in three phases: clients of the apiserver together, then the apiserver, then etcd
  local phase name pid
  for phase in clients kube-apiserver etcd; do
    local names=() pids=()
    while read -r name pid; do
      [ -n "$pid" ] || continue
      case "$phase:$name" in
        clients:kube-apiserver|clients:etcd) continue ;;
        clients:*) ;;
        "$phase:$phase") ;;
        *) continue ;;
      esac
      alive "$pid" || continue
      kill -TERM "$pid" 2>/dev/null || true
      names+=("$name"); pids+=("$pid")
    done < "$STATE_DIR/pids"
    local t0 i; t0=$(date +%s)
    for i in "${!pids[@]}"; do
      while alive "${pids[$i]}"; do
        if [ $(( $(date +%s) - t0 )) -ge 15 ]; then kill -KILL "${pids[$i]}" 2>/dev/null || true; log "killed ${names[$i]} (pid ${pids[$i]}) after 15s"; sleep 0.2; break; fi
        sleep 0.1
      done
      log "stopped ${names[$i]} (pid ${pids[$i]})"
    done
  done
  if [ "${SDO_KEEP_STATE:-0}" = 1 ]; then rm -f "$STATE_DIR/pids"; log "stopped; state kept in $STATE_DIR"
  else rm -rf "$STATE_DIR"; log "stopped; removed $STATE_DIR"; fi
}

cmd_env() {
  [ -f "$KUBECONFIG_FILE" ] || die "no cluster at $STATE_DIR (run '$0 up')"
  echo "export KUBECONFIG=$KUBECONFIG_FILE"
  if [ -f "$STATE_DIR/bin" ] && [ -x "$(cat "$STATE_DIR/bin")/kubectl" ]; then
    echo "export PATH=$(cat "$STATE_DIR/bin"):\$PATH"
  fi
}

cmd_status() {
  [ -f "$PIDS_FILE" ] || { echo "not running ($STATE_DIR)"; return 1; }
  local rc=0
  print_status || rc=1
  cat "$STATE_DIR/ports"
  return $rc
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  env) cmd_env ;;
  status) cmd_status ;;
  *) echo "usage: $0 up|down|env|status" >&2; exit 2 ;;
esac
