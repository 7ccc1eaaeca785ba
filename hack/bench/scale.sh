#!/usr/bin/env bash
# Scale benchmark (issue 16): thousands of ScaledDemoApps against a raw server-side apply of exactly the children
# the operator would create (rendered by its own builders, operator/src/test/.../bench/RenderChildren.java), on
# one local control plane with kwok nodes. The packaged operator runs as a process, as its ServiceAccount with the
# generated RBAC, under -XX:MaxRAM = the shipped memory limit (deploy/install.yaml) with the shipped JVM options
# (Dockerfile.jvm) and GC logging. For each N: apply -> all Ready (ratio to raw), create -> Ready p50/p99 at a
# steady rate, the operator's API requests per app (audit log), 409s, adapter ConfigMap writes and rolls, CPU
# seconds per 1000 apps, RSS and heap, steady state, restart. Prints figures and a verdict against the targets.
#
# Env: SCALE_N (default 300,1000,3000), SCALE_NAMESPACES (20), SCALE_LATENCY_APPS (100), SCALE_RATE (10 creates/s),
# SCALE_STEADY_SECONDS (60), SCALE_READY_TIMEOUT (1800 s per wait), SDO_STATE (default /tmp/sdo-scale),
# SDO_FAKE_NODES (default: enough for 2 x (max N + latency apps) pods at 110 per node), SCALE_OUT (figures, logs),
# SCALE_JVM_EXTRA (more JVM options for the operator, e.g. -XX:NativeMemoryTracking=summary: nmt-N.txt per step),
# SCALE_JAR (the operator's quarkus-run.jar of another build, e.g. a baseline; default: this tree's package).
# SCALE_SPLIT_CPUS=1 runs the control plane on CPU 0 and the operator and the benchmark's clients on CPU 1.
# SCALE_OPERATOR_CPU_WEIGHT=1 runs the operator in a CPU cgroup weighted as its pod's CPU request (install.yaml), as
# the kubelet would: it then yields the CPU to the co-located control plane (a diagnostic, not the targets' setting).
# SDO_KEEP_STATE=1 keeps the control plane's state dir (its audit log: $SDO_STATE/logs) after the run;
# SDO_CONTROLLER_QPS (default 500 here; hack/cluster.sh): the client rate limit of kube-controller-manager and
# kube-scheduler. At Kubernetes' default (20 requests/s per controller) the Deployment controller, not the operator or
# the API server, sets the pace of both sides: raw Deployments then waited 12 s for it in the latency step.
# SCALE_MODE=memory: only the first N; after the burst the operator is restarted once per SCALE_VARIANTS entry
# ('name=options;name@jar=options', JVM flags after the shipped ones or KEY=VALUE env; the first is the baseline),
# SCALE_ROUNDS times, and each prints its restart and its memory (RSS, heap, live set, NMT areas, threads).
# Run it nice'd on a shared machine: nice -n 10 hack/bench/scale.sh
set -euo pipefail
LOG_TAG=scale
# shellcheck source=hack/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export SDO_ROOT="$ROOT"
export SDO_STATE="${SDO_STATE:-/tmp/sdo-scale}"
export SCALE_N="${SCALE_N:-300,1000,3000}"
export SDO_CONTROLLER_QPS="${SDO_CONTROLLER_QPS:-500}"
export SCALE_OUT="${SCALE_OUT:-$SDO_STATE-out}"
max_n=$(tr ',' '\n' <<< "$SCALE_N" | sort -n | tail -1)
export SDO_FAKE_NODES="${SDO_FAKE_NODES:-$(( (2 * (max_n + ${SCALE_LATENCY_APPS:-100})) / 100 + 2 ))}"

cleanup() {
  SDO_KEEP_STATE="${SDO_KEEP_STATE:-0}" "$ROOT/hack/cluster.sh" down >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

cd "$ROOT"
if [ ! -f operator/target/packaged-operator/quarkus-run.jar ] || [ ! -d operator/target/test-classes ]; then
  log "packaging the operator"
  ./mvnw -B -q -pl operator -am package -DskipTests >&2
fi
cp_file="$ROOT/operator/target/scale-bench.classpath"
if [ ! -f "$cp_file" ] || [ operator/pom.xml -nt "$cp_file" ]; then
  ./mvnw -B -q -pl operator dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2
fi
SCALE_RENDER_CP="$ROOT/operator/target/test-classes:$ROOT/operator/target/classes:$(cat "$cp_file")"
export SCALE_RENDER_CP

# the shipped settings: the memory limit of the install files and the image's JVM options
limit=$(grep -A3 'limits:' deploy/install.yaml | awk '/memory:/{print $2; exit}')
case "$limit" in
  *Mi) export SCALE_MAX_RAM="${limit%Mi}m" ;;
  *Gi) export SCALE_MAX_RAM="${limit%Gi}g" ;;
  *) die "cannot read the operator's memory limit from deploy/install.yaml (got '$limit')" ;;
esac
SCALE_CPU_REQUEST=$(grep -A6 'requests:' deploy/install.yaml | awk '/cpu:/{print $2; exit}')
[ -n "$SCALE_CPU_REQUEST" ] || die "cannot read the operator's CPU request from deploy/install.yaml"
export SCALE_CPU_REQUEST
SCALE_JVM_FLAGS=$(python3 -c '
import json, re, sys
entry = re.search(r"^ENTRYPOINT (\[.*\])", open(sys.argv[1]).read(), re.M).group(1)
print(json.dumps([a for a in json.loads(entry)[1:] if a.startswith("-")]))' operator/src/main/docker/Dockerfile.jvm)
export SCALE_JVM_FLAGS
# and the image's environment (ENV KEY=VALUE lines), for the operator process
while read -r kv; do export "${kv?}"; done < <(awk '/^ENV [A-Z_]+=/{print $2}' operator/src/main/docker/Dockerfile.jvm)

mkdir -p "$SCALE_OUT"
loadavg_before=$(cut -d' ' -f1-3 /proc/loadavg)
"$ROOT/hack/cluster.sh" down >/dev/null 2>&1 || true
"$ROOT/hack/cluster.sh" up >/dev/null
eval "$("$ROOT/hack/cluster.sh" env)"
KUBECTL="$(cat "$SDO_STATE/bin")/kubectl"
[ -x "$KUBECTL" ] || KUBECTL=$(command -v kubectl)
export KUBECTL
SCALE_SM_CRD="$(cat "$SDO_STATE/bin")/../crds/monitoring.coreos.com_servicemonitors.yaml"
export SCALE_SM_CRD

split_note=""
if [ "${SCALE_SPLIT_CPUS:-}" = 1 ]; then split_note="; on CPU 0, the operator and the clients on CPU 1"; fi
if [ "${SCALE_OPERATOR_CPU_WEIGHT:-}" = 1 ]; then split_note="$split_note; the operator weighted as its CPU request ($SCALE_CPU_REQUEST)"; fi
SCALE_HEADER="# Scale benchmark, $(date -u +'%Y-%m-%d %H:%M UTC')
machine: $(nproc) cores ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)
commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- operator hack || echo ' (+ local changes)')${SCALE_JAR:+, operator from $SCALE_JAR}; N = $SCALE_N in ${SCALE_NAMESPACES:-20} namespaces; $SDO_FAKE_NODES kwok nodes
operator: -XX:MaxRAM=$SCALE_MAX_RAM (deploy/install.yaml limit $limit) MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-unset} $(python3 -c 'import json,os; print(" ".join(json.loads(os.environ["SCALE_JVM_FLAGS"])))')
control plane: kube-controller-manager and kube-scheduler at ${SDO_CONTROLLER_QPS:-their default} requests/s$split_note
mode: ${SCALE_MODE:-full}${SCALE_VARIANTS:+; variants: $SCALE_VARIANTS}
loadavg before: $loadavg_before"
export SCALE_HEADER
python3 "$ROOT/hack/bench/scale.py" | tee "$SCALE_OUT/report.md"
echo "loadavg after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$SCALE_OUT/report.md"
log "figures and logs in $SCALE_OUT"
