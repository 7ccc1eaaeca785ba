#!/usr/bin/env bash
# Local benchmark for demo-app: startup-to-ready time, POST /click-button throughput/latency at
# 1/16/64 connections, GET /metrics latency, RSS after load, and an nginx `return 204` baseline.
# Loopback only; every loop is bounded; all processes started here are stopped on exit.
#
# Usage: demo-app/bench/run.sh            (env: APP_PORT, NGINX_PORT, DURATION, JAVA_OPTS)
set -euo pipefail

MODULE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT_DIR="$(cd "$MODULE_DIR/.." && pwd)"
JAR="$MODULE_DIR/target/demo-app.jar"
APP_PORT="${APP_PORT:-18000}"
NGINX_PORT="${NGINX_PORT:-18081}"
DURATION="${DURATION:-5}"
# Heap capped at 48 MiB (what -XX:MaxRAMPercentage=75 gives under a 64 MiB limit; note non-heap adds
# ~45-50 MiB on top, so real pods need a larger limit) and SerialGC, which the JVM picks by itself in a
# container with < 2 CPUs or < 1792 MB.
JAVA_OPTS="${JAVA_OPTS:--Xmx48m -XX:+UseSerialGC -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError}"

WORK="$(mktemp -d /tmp/demo-app-bench.XXXXXX)"
APP_PID=""
NGINX_PID=""

cleanup() {
  if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then
    kill -TERM "$APP_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$APP_PID" 2>/dev/null || true
  fi
  if [[ -n "$NGINX_PID" ]] && kill -0 "$NGINX_PID" 2>/dev/null; then
    kill -QUIT "$NGINX_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$NGINX_PID" 2>/dev/null || true
  fi
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
  io.write(string.format("RESULT rps=%.0f p50_us=%d p99_us=%d requests=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99),
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout))
end
LUA
sed -e 's/^wrk.method = "POST"/wrk.method = "GET"/' -e '/^wrk.body/d' -e '/Content-Type/d' \
  "$WORK/post.lua" > "$WORK/get.lua"

# run_wrk <label> <connections> <script> <url> [duration]
run_wrk() {
  local label="$1" conns="$2" script="$3" url="$4" dur="${5:-$DURATION}" threads=2
  (( conns < 2 )) && threads=1
  local out
  out="$(wrk -t"$threads" -c"$conns" -d"${dur}s" --latency -s "$script" "$url")"
  local res
  res="$(grep '^RESULT' <<<"$out")"
  LAST_RPS="$(sed -E 's/.*rps=([0-9]+).*/\1/' <<<"$res")"
  local p50 p99 errs
  p50="$(sed -E 's/.*p50_us=([0-9]+).*/\1/' <<<"$res")"
  p99="$(sed -E 's/.*p99_us=([0-9]+).*/\1/' <<<"$res")"
  errs="$(sed -E 's/.*errors=([0-9]+).*/\1/' <<<"$res")"
  LAST_P99="$p99"
  printf '%-28s c=%-3s %8s req/s   p50 %6.2f ms   p99 %6.2f ms   errors %s\n' \
    "$label" "$conns" "$LAST_RPS" "$(bc -l <<<"$p50/1000" 2>/dev/null || echo "$p50/1000")" \
    "$(bc -l <<<"$p99/1000" 2>/dev/null || echo "$p99/1000")" "$errs"
}
command -v bc >/dev/null || { apt-get install -y bc >/dev/null 2>&1 || true; }

echo "== demo-app benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; java: $(java -version 2>&1 | head -1)"
echo "   JAVA_OPTS=$JAVA_OPTS"

# ------------------------------------------------------------------ startup
if curl -s -o /dev/null "http://127.0.0.1:$APP_PORT/" 2>/dev/null; then
  echo "port $APP_PORT already in use" >&2; exit 1
fi
t0=$(date +%s%N)
# shellcheck disable=SC2086
PORT="$APP_PORT" BIND_ADDRESS=127.0.0.1 SHUTDOWN_DRAIN_SECONDS=0 \
  java $JAVA_OPTS -jar "$JAR" > "$WORK/app.log" 2>&1 &
APP_PID=$!
ready=""
for _ in $(seq 1 20000); do   # bounded: ~10 s at most
  if curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$APP_PORT/readyz" 2>/dev/null | grep -q '^200$'; then
    ready=1; break
  fi
  kill -0 "$APP_PID" 2>/dev/null || break
  (( ($(date +%s%N) - t0) > 10000000000 )) && break
done
t1=$(date +%s%N)
[[ -n "$ready" ]] || { echo "app did not become ready"; cat "$WORK/app.log"; exit 1; }
READY_MS=$(( (t1 - t0) / 1000000 ))
echo "startup: process start -> first 200 on /readyz: ${READY_MS} ms"
echo "RSS after startup: $(awk '/VmRSS/{printf "%.1f MiB", $2/1024}' /proc/$APP_PID/status)"

# ------------------------------------------------------------------ load
APP_URL="http://127.0.0.1:$APP_PORT"
wrk -t2 -c16 -d3s -s "$WORK/post.lua" "$APP_URL/click-button" >/dev/null   # JIT warm-up, not reported
run_wrk "POST /click-button" 1 "$WORK/post.lua" "$APP_URL/click-button"
run_wrk "POST /click-button" 16 "$WORK/post.lua" "$APP_URL/click-button"
APP16_RPS="$LAST_RPS"; APP16_P99="$LAST_P99"
run_wrk "POST /click-button" 64 "$WORK/post.lua" "$APP_URL/click-button"
echo "RSS after POST load (before the /metrics step): $(awk '/VmRSS/{printf "%.1f MiB", $2/1024}' /proc/$APP_PID/status)"
run_wrk "GET /metrics" 1 "$WORK/get.lua" "$APP_URL/metrics" 3
echo "metrics body: $(curl -s "$APP_URL/metrics" | wc -c) bytes; counter: $(curl -s "$APP_URL/metrics" | grep '^demo_app_button_clicks_total')"
echo "RSS after load: $(awk '/VmRSS/{printf "%.1f MiB", $2/1024}' /proc/$APP_PID/status) (VmHWM $(awk '/VmHWM/{printf "%.1f MiB", $2/1024}' /proc/$APP_PID/status))"
echo "threads: $(awk '/Threads/{print $2}' /proc/$APP_PID/status)"

t_stop=$(date +%s%N)
kill -TERM "$APP_PID"
for _ in $(seq 1 150); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.02; done
if kill -0 "$APP_PID" 2>/dev/null; then echo "app still running after SIGTERM"; else
  echo "SIGTERM -> exit: $(( ($(date +%s%N) - t_stop) / 1000000 )) ms (SHUTDOWN_DRAIN_SECONDS=0)"; fi
wait "$APP_PID" 2>/dev/null || true
APP_PID=""

# ------------------------------------------------------------------ nginx baseline
mkdir -p "$WORK/nginx/logs"
cat > "$WORK/nginx/nginx.conf" <<NGINX
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { return 204; }
  }
}
NGINX
"$NGINX_BIN" -e "$WORK/nginx/logs/error.log" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
NGINX_PID=$!
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/" 2>/dev/null && break
  sleep 0.05
done
run_wrk "nginx return 204 (POST)" 16 "$WORK/post.lua" "http://127.0.0.1:$NGINX_PORT/click-button"
NGINX16_RPS="$LAST_RPS"
kill -QUIT "$NGINX_PID" 2>/dev/null || true
wait "$NGINX_PID" 2>/dev/null || true
NGINX_PID=""

echo "ratio demo-app / nginx at 16 connections: $(awk -v a="$APP16_RPS" -v b="$NGINX16_RPS" 'BEGIN{printf "%.0f%%", 100*a/b}')" \
  "(target >= 50%; p99 target < 5 ms, got $(awk -v p="$APP16_P99" 'BEGIN{printf "%.2f ms", p/1000}'))"
