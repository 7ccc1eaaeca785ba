# shellcheck shell=bash
# Shared helpers for the scripts in hack/ (source it; it sets no shell options of its own):
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"           (from hack/e2e/: .../../lib.sh)
# Failure behaviour is the same everywhere: helpers that check or wait return non-zero and log why; only die exits.
# Set LOG_TAG before sourcing to name the script in log lines (default: the script's file name without .sh).
# Process registry (start/pid_of/set_pid/check_alive/any_alive/print_status): PIDS_FILE (lines "name pid") and
# LOGS_DIR (name.log per process); set both before using them.

SDO_CACHE="${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}"
LOG_TAG="${LOG_TAG:-$(basename "$0" .sh)}"

log() { echo "[$LOG_TAG $(date -u +%H:%M:%S)] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# One run of a tool build at a time: test runs in several work trees (and CI) share $SDO_CACHE, and a second build
# of the same tool into the same directory would corrupt it. A cached run holds the lock for a moment only.
# Holds fd 9 until the script exits.
lock_tool_build() {
  mkdir -p "$SDO_CACHE"
  exec 9>"$SDO_CACHE/.$(basename "$0" .sh).lock"
  flock 9
}

# go_install_tool NAME VERSION PACKAGE [LDFLAGS]: `go install PACKAGE@VERSION` from the Go module proxy into
# $SDO_CACHE/NAME/VERSION/bin/NAME, once (a marker file), under the build lock; prints the binary's path.
go_install_tool() {
  local name=$1 version=$2 package=$3 ldflags=${4:-} root t0
  root="$SDO_CACHE/$name/$version"
  lock_tool_build
  mkdir -p "$root/bin"
  if [ -f "$root/.built" ] && [ -x "$root/bin/$name" ]; then
    log "$name $version cached"
  else
    t0=$(date +%s)
    log "go install $package@$version"
    GOTOOLCHAIN="${GOTOOLCHAIN:-local}" CGO_ENABLED=0 GOFLAGS="-buildvcs=false" GOBIN="$root/bin" \
      go install -p "${BUILD_PARALLELISM:-2}" -trimpath -ldflags "-s -w $ldflags" "$package@$version" >&2
    touch "$root/.built"
    log "$name $version built in $(( $(date +%s) - t0 ))s"
  fi
  echo "$root/bin/$name"
}

# go_build_local_tool NAME SRC_DIR [GO_MOD_EDIT]: builds the Go module in SRC_DIR (a small tool of this repo) into
# $SDO_CACHE/NAME/<hash of its sources and GO_MOD_EDIT>/bin/NAME, once per hash (a marker file), under the build lock;
# prints the binary's path. The build runs on a copy: GO_MOD_EDIT, a sed -E expression, may change go.mod there (a
# dependency's version), and is then built with -mod=mod; without it go.sum pins every module (-mod=readonly).
go_build_local_tool() {
  local name=$1 src=$2 edit=${3:-} hash root work mod=readonly t0
  hash=$({ cat "$src/go.mod" "$src/go.sum" "$src"/*.go; printf '%s' "$edit"; } | sha256sum | cut -c1-12)
  root="$SDO_CACHE/$name/$hash"
  lock_tool_build
  if [ -f "$root/.built" ] && [ -x "$root/bin/$name" ]; then
    log "$name $hash cached"
    echo "$root/bin/$name"
    return 0
  fi
  t0=$(date +%s)
  log "go build $src${edit:+ (go.mod: $edit)}"
  mkdir -p "$root/bin"
  work=$(mktemp -d "${TMPDIR:-/tmp}/sdo-$name.XXXXXX")
  cp "$src/go.mod" "$src/go.sum" "$src"/*.go "$work/"
  if [ -n "$edit" ]; then
    sed -i -E "$edit" "$work/go.mod"
    mod=mod
  fi
  if ! (cd "$work" && GOTOOLCHAIN="${GOTOOLCHAIN:-local}" CGO_ENABLED=0 GOFLAGS="-buildvcs=false"       go build -mod="$mod" -p "${BUILD_PARALLELISM:-2}" -trimpath -ldflags "-s -w" -o "$root/bin/$name" .) >&2; then
    rm -rf "$work"
    die "go build of $src failed"
  fi
  rm -rf "$work"
  touch "$root/.built"
  log "$name $hash built in $(( $(date +%s) - t0 ))s"
  echo "$root/bin/$name"
}

# N distinct free ports below the kernel's ephemeral range: a port from bind(0) lies inside it, and any outgoing
# connection may take it as its local port before the server that is to listen on it starts (seen with KEDA)
free_ports() {
  python3 - "$1" <<'PY'
import random, socket, sys
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
found = []
while len(found) < int(sys.argv[1]):
    port = random.randrange(max(1024, low - 12000), low)
    if port in found:
        continue
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        found.append(port)
    except OSError:
        pass
    finally:
        s.close()
print(" ".join(map(str, found)))
PY
}

# right after the apply a CRD may have no status yet, and `kubectl wait` fails on that instead of waiting
await_established() { # crd/name...: with the script's kctl when it has one
  local k=kubectl
  declare -F kctl >/dev/null && k=kctl
  wait_until "$* established" 60 "$k" wait --for condition=Established --timeout=10s "$@" || die "$* not established"
}

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

pid_of() { [ -f "$PIDS_FILE" ] && awk -v n="$1" '$1==n{print $2}' "$PIDS_FILE" | tail -1; }

set_pid() { # name pid (empty pid: forget the name)
  touch "$PIDS_FILE"
  grep -v "^$1 " "$PIDS_FILE" > "$PIDS_FILE.tmp" || true
  [ -z "$2" ] || echo "$1 $2" >> "$PIDS_FILE.tmp"
  mv "$PIDS_FILE.tmp" "$PIDS_FILE"
}

# start NAME cmd...: runs cmd in the background in its own session, appends to $LOGS_DIR/NAME.log, records the PID
start() {
  local name=$1; shift
  mkdir -p "$LOGS_DIR"
  setsid "$@" >>"$LOGS_DIR/$name.log" 2>&1 < /dev/null &
  set_pid "$name" $!
  log "started $name (pid $!)"
}

# check_alive NAME: 0 if the recorded process runs, else logs its last lines and returns 1
check_alive() {
  local pid; pid=$(pid_of "$1")
  alive "$pid" && return 0
  log "$1 (pid ${pid:-none}) died; last log lines:"
  tail -30 "$LOGS_DIR/$1.log" >&2 || true
  return 1
}

any_alive() { # 0 if a process of $PIDS_FILE still runs
  local _name pid
  [ -f "$PIDS_FILE" ] || return 1
  while read -r _name pid; do alive "$pid" && return 0; done < "$PIDS_FILE"
  return 1
}

print_status() { # one line per recorded process; non-zero if any is dead
  local rc=0 name pid
  while read -r name pid; do
    if alive "$pid"; then echo "$name $pid running"; else echo "$name $pid DEAD"; rc=1; fi
  done < "$PIDS_FILE"
  return $rc
}

stop_pid() { # name pid [timeout_s, default 15]: SIGTERM, SIGKILL after the timeout
  local name=$1 pid=$2 timeout=${3:-15} t0
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  t0=$(date +%s)
  while alive "$pid"; do
    if [ $(( $(date +%s) - t0 )) -ge "$timeout" ]; then
      kill -KILL "$pid" 2>/dev/null || true; log "killed $name (pid $pid) after ${timeout}s"; sleep 0.2; break
    fi
    sleep 0.1
  done
  log "stopped $name (pid $pid)"
}

wait_until() { # desc timeout_s cmd...: 0 once cmd succeeds (logs how long it took), 1 on timeout
  local desc=$1 timeout=$2 t0; shift 2
  t0=$(date +%s)
  until "$@" >/dev/null 2>&1; do
    if [ $(( $(date +%s) - t0 )) -ge "$timeout" ]; then log "timed out after ${timeout}s waiting for $desc"; return 1; fi
    sleep 0.3
  done
  log "$desc after $(( $(date +%s) - t0 ))s"
}
