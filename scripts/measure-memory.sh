#!/usr/bin/env bash
# Measures how much one large object streamed in and out through the local host raises the host's
# peak working set. Starts an in-memory Azurite and a Release local host (background passes off) on
# free ports over a scratch directory (scripts/common.sh, as the bench scripts), warms the host up with a 10 MiB PUT and GET,
# reads VmHWM/VmRSS from /proc/<pid>/status, streams the object (PUT then GET, generated and hashed
# on the fly by bench/ObjectStore.Load, which fails if the SHA-256 of the GET body differs from the
# PUT body's), reads them again, then stops what it started (by PID) and deletes the shard data.
#
#   scripts/measure-memory.sh [GiB]     default 5; needs 1.5 x GiB free under ${MEASURE_TMP:-/tmp}
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

gib="${1:-5}"
limit_mib=256
parent="${MEASURE_TMP:-${TMPDIR:-/tmp}}"
need_gib=$(python3 -c "import math; print(math.ceil($gib * 1.5) + 2)")
avail_gib=$(df --output=avail -BG "$parent" | tail -1 | tr -dc 0-9)
if [ "$avail_gib" -lt "$need_gib" ]; then
  log "need ${need_gib} GiB free under $parent for the shards of a ${gib} GiB object, have ${avail_gib} GiB"
  exit 1
fi

ensure_node_modules
log "building the local host and the load tool (Release)"
for project in host/ObjectStore.LocalHost/ObjectStore.LocalHost.csproj bench/ObjectStore.Load/ObjectStore.Load.csproj; do
  dotnet build "$project" -c Release -nologo -v q -clp:ErrorsOnly >/dev/null || { dotnet build "$project" -c Release -nologo -v q; exit 1; }
done

BENCH_DATA="$parent" scratch_data objectstore-memory
status_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

start_scratch_azurite memory
export OBJECTSTORE_ACCESS_KEY=objectstore OBJECTSTORE_SECRET_KEY=objectstore-secret
start_scratch_host OBJECTSTORE_BACKGROUND=off
host=$host_pid

load=(dotnet bench/ObjectStore.Load/bin/Release/net10.0/ObjectStore.Load.dll --endpoint "http://127.0.0.1:$host_port" --scenarios stream)

log "warm-up: 10 MiB PUT and GET"
timeout 300 "${load[@]}" --stream-gib 0.01 >/dev/null
hwm_before=$(status_kib "$host" VmHWM); rss_before=$(status_kib "$host" VmRSS)

log "streaming ${gib} GiB in and out"
"${load[@]}" --stream-gib "$gib" >"$data/load.out" &
client=$!
pids+=("$client")
client_hwm=0
deadline=$((SECONDS + 1800))
while kill -0 "$client" 2>/dev/null; do
  # The client's own peak, sampled (VmHWM only grows; the last sample is within a second of the end).
  c=$(status_kib "$client" VmHWM 2>/dev/null || true)
  [ -n "$c" ] && client_hwm=$c
  [ "$SECONDS" -lt "$deadline" ] || { log "the load tool took over 30 minutes"; exit 1; }
  sleep 1
done
wait "$client" || { cat "$data/load.out"; log "the load tool failed"; exit 1; }
hwm_after=$(status_kib "$host" VmHWM); rss_after=$(status_kib "$host" VmRSS)
shard_bytes=$(du -sb "$data/zones" | cut -f1)

cat "$data/load.out"
delta=$(( (hwm_after - hwm_before) / 1024 ))
cat <<RESULT

| Local host (pid $host) | VmHWM | VmRSS |
|---|---|---|
| after start-up and warm-up | $((hwm_before / 1024)) MiB | $((rss_before / 1024)) MiB |
| after the ${gib} GiB PUT and GET | $((hwm_after / 1024)) MiB | $((rss_after / 1024)) MiB |

Peak working set raised by ${delta} MiB (limit ${limit_mib} MiB); load tool peak about $((client_hwm / 1024)) MiB;
shard files on disk: $((shard_bytes / 1024 / 1024)) MiB (deleted now).
RESULT
[ "$delta" -lt "$limit_mib" ] || { log "over the limit"; exit 1; }
