#!/usr/bin/env bash
# Measures the local host's peak memory during a large multipart upload and its read-back:
#   scripts/measure-multipart-memory.sh [TOTAL_BYTES] [PART_BYTES] [PARALLEL]   (default 10 GiB, 100 MiB, 4)
# Starts an in-memory Azurite and a Release local host (background passes off) on free ports over a
# scratch directory (scripts/common.sh, as the bench scripts; BENCH_DATA=DIR puts it under DIR),
# runs scripts/measure_multipart_memory.py (boto3; data generated on the fly, hashes computed while
# streaming), prints the host's VmHWM/VmRSS from /proc, then stops what it started (by PID) and
# deletes the data. Results: docs/memory.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

TOTAL=${1:-$((10 * 1024 * 1024 * 1024))}
PART=${2:-$((100 * 1024 * 1024))}
PARALLEL=${3:-4}

ensure_node_modules
require python3 "install python3 with boto3"

log "building the local host (Release)"
dotnet build host/ObjectStore.LocalHost/ObjectStore.LocalHost.csproj -c Release -nologo -v q -clp:ErrorsOnly

scratch_data objectstore-multipart-memory
need_kib=$((TOTAL / 1024 * 3 / 2 + 1024 * 1024))
avail_kib=$(df --output=avail -k "$data" | tail -1)
if [ "$avail_kib" -lt "$need_kib" ]; then
  log "need ~$((need_kib / 1024 / 1024)) GiB free under $data (4+2 shards), have $((avail_kib / 1024 / 1024)) GiB"
  exit 1
fi

start_scratch_azurite memory
export OBJECTSTORE_ACCESS_KEY=memory OBJECTSTORE_SECRET_KEY=memory-secret-key
start_scratch_host OBJECTSTORE_BACKGROUND=off
HOST_PID=$host_pid
PORT=$host_port
log "host pid $HOST_PID on port $PORT; baseline $(grep -E '^VmHWM' /proc/$HOST_PID/status | tr -s ' ')"

log "uploading $TOTAL bytes in parts of $PART, $PARALLEL in parallel, then reading it back"
started=$(date +%s)
result=$(env -u AWS_PROFILE -u AWS_ENDPOINT_URL python3 scripts/measure_multipart_memory.py "http://127.0.0.1:$PORT" "$TOTAL" "$PART" "$PARALLEL")
elapsed=$(( $(date +%s) - started ))
hwm=$(awk '/^VmHWM/ {print $2}' /proc/$HOST_PID/status)
rss=$(awk '/^VmRSS/ {print $2}' /proc/$HOST_PID/status)
shards=$(du -sk "$data/zones" | cut -f1)

echo "$result"
echo "host VmHWM: $((hwm / 1024)) MiB, VmRSS now: $((rss / 1024)) MiB, shards on disk: $((shards / 1024)) MiB, wall time: ${elapsed}s"
echo "$result" | python3 -c 'import json,sys; r=json.load(sys.stdin); sys.exit(0 if r["identical"] and r["partHashesMatch"] else 1)' \
  || { log "read-back differs"; exit 1; }
if [ "$hwm" -ge $((512 * 1024)) ]; then log "peak working set $((hwm / 1024)) MiB is not under 512 MiB"; exit 1; fi
log "ok: identical read-back, peak working set under 512 MiB"
