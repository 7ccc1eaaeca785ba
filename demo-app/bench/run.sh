#!/usr/bin/env bash
# Local benchmark for demo-app against an nginx `return 204` baseline, in interleaved rounds.
# Each round starts the app fresh (process start -> first 200 on /readyz), warms it up, measures
# POST /click-button at 1/16/64 connections and GET /metrics, RSS, SIGTERM-to-exit; and starts nginx,
# warms it up and measures it at 16 connections under the same wrk load. The order of app and nginx
# alternates between rounds, so a change in machine load hits both alike. At the end: the median and
# the range (min-max) of every figure over the rounds, and a verdict per target; the exit status is 1
# when a target is missed (or wrk saw errors), 0 when all are met.
# Loopback only; every loop is bounded; all processes started here are stopped on exit.
#
# Usage: demo-app/bench/run.sh
#   env: ROUNDS (5), DURATION (5 s per step), APP_PORT, NGINX_PORT, JAVA_OPTS,
#        BASELINE_JAR (another build of the app, e.g. of main, measured in the same rounds: base_* figures),
#        targets: TARGET_RATIO_PCT (90), TARGET_P99_MS (5), TARGET_READY_MS (500), TARGET_RSS_MB (100)
set -euo pipefail

MODULE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT_DIR="$(cd "$MODULE_DIR/.." && pwd)"
JAR="$MODULE_DIR/target/demo-app.jar"
APP_PORT="${APP_PORT:-18000}"
NGINX_PORT="${NGINX_PORT:-18081}"
DURATION="${DURATION:-5}"
ROUNDS="${ROUNDS:-5}"
TARGET_RATIO_PCT="${TARGET_RATIO_PCT:-90}"
TARGET_P99_MS="${TARGET_P99_MS:-5}"
TARGET_READY_MS="${TARGET_READY_MS:-500}"
TARGET_RSS_MB="${TARGET_RSS_MB:-100}"
# Heap capped at 48 MiB (what -XX:MaxRAMPercentage=75 gives under a 64 MiB limit; note non-heap adds
# ~45-50 MiB on top, so real pods need a larger limit) and SerialGC, which the JVM picks by itself in a
# container with < 2 CPUs or < 1792 MB.
JAVA_OPTS="${JAVA_OPTS:--Xmx48m -XX:+UseSerialGC -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError}"

WORK="$(mktemp -d /tmp/demo-app-bench.XXXXXX)"
APP_PID=""
NGINX_PID=""

stop_app() {
  if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then
    kill -TERM "$APP_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$APP_PID" 2>/dev/null || true
  fi
  APP_PID=""
}
stop_nginx() {
  if [[ -n "$NGINX_PID" ]] && kill -0 "$NGINX_PID" 2>/dev/null; then
    kill -QUIT "$NGINX_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$NGINX_PID" 2>/dev/null || true
  fi
  NGINX_PID=""
}
cleanup() {
  stop_app
  stop_nginx
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# ------------------------------------------------------------------ prerequisites
need_install=()
command -v wrk >/dev/null || need_install+=(wrk)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || need_install+=(nginx-light)
command -v curl >/dev/null || need_install+=(curl)
if (( ${#need_install[@]} )); then
  echo "installing: ${need_install[*]}"
  if ! apt-get install -y "${need_install[@]}" >/dev/null; then
    apt-get update >/dev/null && apt-get install -y "${need_install[@]}" >/dev/null
  fi
fi
NGINX_BIN="$(command -v nginx || echo /usr/sbin/nginx)"

if [[ ! -f "$JAR" ]]; then
  echo "building $JAR"
  # the repository's Maven wrapper if present (a fresh clone has it), else a Maven on the PATH
  MVN="mvn"; [[ -x "$ROOT_DIR/mvnw" ]] && MVN="$ROOT_DIR/mvnw"
  (cd "$ROOT_DIR" && "$MVN" -B -q -f demo-app/pom.xml -DskipTests package)
fi

cat > "$WORK/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = ""
wrk.headers["Content-Type"] = "application/json"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.0f %d %d %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
LUA
sed -e 's/^wrk.method = "POST"/wrk.method = "GET"/' -e '/^wrk.body/d' -e '/Content-Type/d' \
  "$WORK/post.lua" > "$WORK/get.lua"

cat > "$WORK/nginx.conf" <<NGINX
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/body;
  proxy_temp_path $WORK/proxy;
  fastcgi_temp_path $WORK/fastcgi;
  uwsgi_temp_path $WORK/uwsgi;
  scgi_temp_path $WORK/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { return 204; }
  }
}
NGINX

# Figures are appended to $WORK/figures as "<metric> <value>" lines, one per round.
record() { echo "$1 $2" >> "$WORK/figures"; }
ERRORS=0

# run_wrk <metric> <connections> <script> <url> [duration]: records <metric>_rps, _p50_ms, _p99_ms
run_wrk() {
  local metric="$1" conns="$2" script="$3" url="$4" dur="${5:-$DURATION}" threads=2 res
  (( conns < 2 )) && threads=1
  res="$(wrk -t"$threads" -c"$conns" -d"${dur}s" --latency -s "$script" "$url" | awk '/^RESULT/{print $2, $3, $4, $5}')"
  [[ -n "$res" ]] || { echo "wrk gave no result for $metric" >&2; exit 1; }
  read -r rps p50 p99 errs <<<"$res"
  record "${metric}_rps" "$rps"
  record "${metric}_p50_ms" "$(awk -v v="$p50" 'BEGIN{printf "%.2f", v/1000}')"
  record "${metric}_p99_ms" "$(awk -v v="$p99" 'BEGIN{printf "%.2f", v/1000}')"
  ERRORS=$(( ERRORS + errs ))
  printf '  %-22s c=%-3s %8s req/s  p50 %6.2f ms  p99 %6.2f ms  errors %s\n' \
    "$metric" "$conns" "$rps" "$(awk -v v="$p50" 'BEGIN{print v/1000}')" "$(awk -v v="$p99" 'BEGIN{print v/1000}')" "$errs"
  LAST_RPS="$rps"
}

rss_mib() { awk -v k="$1:" '$1==k{printf "%.1f", $2/1024}' "/proc/$APP_PID/status"; }

# app_round <jar> <metric prefix>
app_round() {
  local jar="$1" p="$2"
  if curl -s -o /dev/null "http://127.0.0.1:$APP_PORT/" 2>/dev/null; then
    echo "port $APP_PORT already in use" >&2; exit 1
  fi
  local t0 t1 ready="" url="http://127.0.0.1:$APP_PORT"
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  PORT="$APP_PORT" BIND_ADDRESS=127.0.0.1 SHUTDOWN_DRAIN_SECONDS=0 \
    java $JAVA_OPTS -jar "$jar" > "$WORK/app.log" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 20000); do   # bounded: ~10 s at most
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/readyz" 2>/dev/null)" == 200 ]]; then
      ready=1; break
    fi
    kill -0 "$APP_PID" 2>/dev/null || break
    (( ($(date +%s%N) - t0) > 10000000000 )) && break
  done
  t1=$(date +%s%N)
  [[ -n "$ready" ]] || { echo "app did not become ready"; cat "$WORK/app.log"; exit 1; }
  record "${p}ready_ms" $(( (t1 - t0) / 1000000 ))
  echo "  ${p}app: ready in $(( (t1 - t0) / 1000000 )) ms, RSS $(rss_mib VmRSS) MiB"
  wrk -t2 -c16 -d3s -s "$WORK/post.lua" "$url/click-button" >/dev/null   # JIT warm-up, not reported
  run_wrk "${p}post_c1" 1 "$WORK/post.lua" "$url/click-button"
  run_wrk "${p}post_c16" 16 "$WORK/post.lua" "$url/click-button"
  C16_RPS["${p:-app}"]="$LAST_RPS"
  run_wrk "${p}post_c64" 64 "$WORK/post.lua" "$url/click-button"
  local rss_post
  rss_post="$(rss_mib VmRSS)"
  record "${p}rss_after_post_mib" "$rss_post"
  run_wrk "${p}metrics_c1" 1 "$WORK/get.lua" "$url/metrics" 3
  record "${p}rss_after_load_mib" "$(rss_mib VmRSS)"
  record "${p}hwm_mib" "$(rss_mib VmHWM)"
  echo "  ${p}app: RSS after POST load $rss_post MiB, after load $(rss_mib VmRSS) MiB (VmHWM $(rss_mib VmHWM) MiB)"
  local t_stop
  t_stop=$(date +%s%N)
  kill -TERM "$APP_PID"
  for _ in $(seq 1 150); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.02; done
  if kill -0 "$APP_PID" 2>/dev/null; then echo "app still running 3 s after SIGTERM" >&2; exit 1; fi
  record "${p}sigterm_exit_ms" $(( ($(date +%s%N) - t_stop) / 1000000 ))
  wait "$APP_PID" 2>/dev/null || true
  APP_PID=""
}

nginx_round() {
  "$NGINX_BIN" -e "$WORK/nginx-error.log" -p "$WORK" -c "$WORK/nginx.conf" &
  NGINX_PID=$!
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/" 2>/dev/null && break
    sleep 0.05
  done
  wrk -t2 -c16 -d3s -s "$WORK/post.lua" "http://127.0.0.1:$NGINX_PORT/click-button" >/dev/null   # warm-up
  run_wrk nginx_c16 16 "$WORK/post.lua" "http://127.0.0.1:$NGINX_PORT/click-button"
  C16_RPS[nginx]="$LAST_RPS"
  stop_nginx
}

echo "== demo-app benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ): $ROUNDS rounds, ${DURATION}s per step, $(nproc) cores," \
  "$(free -g | awk '/Mem:/{print $2}') GiB; java: $(java -version 2>&1 | head -1)"
echo "   JAVA_OPTS=$JAVA_OPTS"
echo "   load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ -n "${BASELINE_JAR:-}" ]]; then
  [[ -f "$BASELINE_JAR" ]] || { echo "BASELINE_JAR $BASELINE_JAR not found" >&2; exit 1; }
  echo "   baseline: $BASELINE_JAR (base_* figures)"
  PARTS=(app nginx base)
else
  PARTS=(app nginx)
fi
declare -A C16_RPS
for round in $(seq 1 "$ROUNDS"); do
  echo "-- round $round/$ROUNDS (load $(cut -d' ' -f1 /proc/loadavg))"
  for i in "${!PARTS[@]}"; do   # rotated each round
    case "${PARTS[$(( (i + round - 1) % ${#PARTS[@]} ))]}" in
      app) app_round "$JAR" "" ;;
      base) app_round "$BASELINE_JAR" base_ ;;
      nginx) nginx_round ;;
    esac
  done
  for p in "" ${BASELINE_JAR:+base_}; do
    record "${p}ratio_c16_pct" "$(awk -v a="${C16_RPS[${p:-app}]}" -v b="${C16_RPS[nginx]}" 'BEGIN{printf "%.1f", 100*a/b}')"
    echo "  ${p}demo-app / nginx at 16 connections: $(tail -n 1 "$WORK/figures" | cut -d' ' -f2) %"
  done
done
echo "   load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

# ------------------------------------------------------------------ summary
# stat <metric>: "median min max" over the rounds
stat() {
  awk -v m="$1" '$1==m{print $2}' "$WORK/figures" | sort -g | awk '
    {v[NR]=$1} END{ if (NR==0) {print "nan nan nan"; exit}
      med = NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2; print med, v[1], v[NR] }'
}
echo
printf '%-27s %12s %22s\n' metric median "range (min-max)"
for m in ready_ms post_c1_rps post_c1_p99_ms post_c16_rps post_c16_p50_ms post_c16_p99_ms post_c64_rps post_c64_p99_ms \
         metrics_c1_rps metrics_c1_p99_ms ratio_c16_pct rss_after_post_mib rss_after_load_mib hwm_mib sigterm_exit_ms; do
  for p in "" ${BASELINE_JAR:+base_}; do
    read -r med lo hi <<<"$(stat "$p$m")"
    printf '%-27s %12s %22s\n' "$p$m" "$med" "$lo - $hi"
  done
done
for m in nginx_c16_rps nginx_c16_p99_ms; do
  read -r med lo hi <<<"$(stat "$m")"
  printf '%-27s %12s %22s\n' "$m" "$med" "$lo - $hi"
done

# Targets are judged on the median over the rounds (the range shows how far a single run may stray).
failed=0
judge() {   # judge <label> <metric> <op> <limit> <unit>
  local med
  read -r med _ _ <<<"$(stat "$2")"
  if awk -v v="$med" -v l="$4" -v op="$3" 'BEGIN{exit !((op==">=") ? v>=l : v<l)}'; then
    echo "target met:    $1: median $med $5 $3 $4 $5"
  else
    echo "TARGET MISSED: $1: median $med $5, target $3 $4 $5"; failed=1
  fi
}
echo
judge "throughput vs nginx return 204, 16 connections" ratio_c16_pct ">=" "$TARGET_RATIO_PCT" "%"
judge "p99 latency, POST at 16 connections" post_c16_p99_ms "<" "$TARGET_P99_MS" "ms"
judge "process start to ready" ready_ms "<" "$TARGET_READY_MS" "ms"
judge "RSS after load" rss_after_load_mib "<" "$(awk -v mb="$TARGET_RSS_MB" 'BEGIN{printf "%.1f", mb*1e6/1048576}')" "MiB"
if (( ERRORS > 0 )); then echo "FAILED: wrk reported $ERRORS errors"; failed=1; else echo "no wrk errors"; fi
exit "$failed"
