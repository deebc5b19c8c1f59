#!/usr/bin/env bash
# Measures the local host's peak memory during a large browser-style form upload (PostObject):
#   scripts/measure-post-memory.sh [TOTAL_BYTES]   (default 2 GiB)
# Starts an in-memory Azurite and a Release local host (background passes off) on free ports with a
# temporary data directory, runs scripts/measure_post_memory.py (boto3 generate_presigned_post and
# requests; the form body generated on the fly), prints the host's VmHWM/VmRSS from /proc, then stops
# what it started (by PID) and deletes the data. Results: docs/memory.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

TOTAL=${1:-$((2 * 1024 * 1024 * 1024))}

ensure_node_modules
require python3 "install python3 with boto3 and requests"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

DATA=$(mktemp -d "${TMPDIR:-/tmp}/objectstore-post-memory-XXXXXX")
pids=()
cleanup() {
  trap - INT TERM EXIT
  stop_pids
  rm -rf "$DATA"
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap cleanup EXIT

log "building the local host (Release)"
dotnet build host/ObjectStore.LocalHost/ObjectStore.LocalHost.csproj -c Release -nologo -v q -clp:ErrorsOnly

BLOB=$(free_port); QUEUE=$(free_port); TABLE=$(free_port); PORT=$(free_port)
node_modules/.bin/azurite --silent --inMemoryPersistence --skipApiVersionCheck --loose \
  --blobHost 127.0.0.1 --blobPort "$BLOB" --queueHost 127.0.0.1 --queuePort "$QUEUE" --tableHost 127.0.0.1 --tablePort "$TABLE" \
  >"$DATA/azurite.log" 2>&1 &
pids+=($!)
wait_for_port "$TABLE" 30 "Azurite" "$!"

export OBJECTSTORE_PORT=$PORT OBJECTSTORE_DATA="$DATA/host" OBJECTSTORE_BACKGROUND=off
export OBJECTSTORE_ACCESS_KEY=memory OBJECTSTORE_SECRET_KEY=memory-secret-key
export OBJECTSTORE_STORAGE_CONNECTION_STRING="$(azurite_connection_string "$BLOB" "$QUEUE" "$TABLE")"
mkdir -p "$OBJECTSTORE_DATA"
dotnet host/ObjectStore.LocalHost/bin/Release/net10.0/ObjectStore.LocalHost.dll >"$DATA/host.log" 2>&1 &
HOST_PID=$!
pids+=("$HOST_PID")
wait_for_port "$PORT" 60 "the local host" "$HOST_PID"
log "host pid $HOST_PID on port $PORT; baseline $(grep -E '^VmHWM' /proc/$HOST_PID/status | tr -s ' ')"

log "posting a $TOTAL-byte form, reading it back, then posting one over its size limit"
result=$(env -u AWS_PROFILE -u AWS_ENDPOINT_URL python3 scripts/measure_post_memory.py "http://127.0.0.1:$PORT" "$TOTAL")
hwm=$(awk '/^VmHWM/ {print $2}' /proc/$HOST_PID/status)
rss=$(awk '/^VmRSS/ {print $2}' /proc/$HOST_PID/status)
shards=$(du -sk "$OBJECTSTORE_DATA/zones" | cut -f1)

echo "$result"
echo "host VmHWM: $((hwm / 1024)) MiB, VmRSS now: $((rss / 1024)) MiB, shards on disk: $((shards / 1024)) MiB"
echo "$result" | python3 -c 'import json,sys; r=json.load(sys.stdin); sys.exit(0 if r["identical"] and r["status"] == 204 and r["refusedCode"] == "EntityTooLarge" and r["refusedStored"] == 0 else 1)' \
  || { log "unexpected outcome"; exit 1; }
if [ "$hwm" -ge $((512 * 1024)) ]; then log "peak working set $((hwm / 1024)) MiB is not under 512 MiB"; exit 1; fi
log "ok: identical read-back, the oversized form refused and not stored, peak working set under 512 MiB"
