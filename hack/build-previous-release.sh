#!/usr/bin/env bash
# Builds the operator as it was at the previous release (the commit named in hack/previous-release), for the
# upgrade test: the packaged operator, its generated kubernetes.yml (RBAC), CRD and golden files, cached in
#   ${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}/operator/<commit>/
# Idempotent (a marker file per commit). Prints that directory as the last line of stdout.
set -euo pipefail
LOG_TAG=build-previous
# shellcheck source=hack/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lock_tool_build  # one build of a tool at a time (the cache is shared by work trees and CI)

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
COMMIT="${1:-$(grep -v '^#' "$ROOT/hack/previous-release" | head -1 | awk '{print $1}')}"
SDO_CACHE="${SDO_CACHE:-$HOME/.cache/scaled-demo-operator}"
OUT="$SDO_CACHE/operator/$COMMIT"

if [ -f "$OUT/.done" ]; then
  log "cached: $OUT"
  echo "$OUT"
  exit 0
fi
git -C "$ROOT" cat-file -e "$COMMIT^{commit}" 2>/dev/null \
  || { log "commit $COMMIT is not in this clone (a shallow clone? fetch the history)"; exit 1; }

START=$(date +%s)
SRC=$(mktemp -d /tmp/sdo-previous.XXXXXX)
trap 'rm -rf "$SRC"' EXIT
# the tree of that commit, without touching this work tree
git -C "$ROOT" archive "$COMMIT" | tar -x -C "$SRC"
log "building the operator of $COMMIT in $SRC"
(cd "$SRC" && ./mvnw -B -q -pl operator -am package -DskipTests -Dquarkus.log.level=WARN) >&2

rm -rf "$OUT.tmp" && mkdir -p "$OUT.tmp"
cp -r "$SRC/operator/target/quarkus-app" "$OUT.tmp/quarkus-app"
cp "$SRC/operator/target/kubernetes/kubernetes.yml" "$OUT.tmp/kubernetes.yml"
cp "$SRC"/crds/*.yml "$OUT.tmp/"
cp -r "$SRC/operator/src/test/resources/golden" "$OUT.tmp/golden"
echo "$COMMIT" > "$OUT.tmp/commit"
touch "$OUT.tmp/.done"
rm -rf "$OUT" && mv "$OUT.tmp" "$OUT"
log "built in $(( $(date +%s) - START ))s"
echo "$OUT"
