#!/usr/bin/env bash
# Split speed of a bucket's index (docs/index-schema.md, "Growing a bucket online"; docs/benchmarks.md,
# "Split speed"): builds the local host (Release), starts Azurite (in memory) and the host on free
# 127.0.0.1 ports in a fresh temporary directory, preloads N keys into a one-partition bucket, grows it
# to COUNT partitions with the admin route, and prints keys moved per second and the CPU time of the
# host and Azurite per moved key. Stops what it started (by PID).
#
#   scripts/bench-split.sh [--keys 20000] [--count 8] [--size 256] [--concurrency 32] [--deadline 3000]
#
# Bounded: at most 200,000 keys; no grow call starts after the deadline (seconds), and 3,700 s end it. Loopback only. The routing cache
# is 1 s (OBJECTSTORE_INDEX_ROUTING_CACHE_SECONDS) so the split's two fence waits are 11 s each;
# other OBJECTSTORE_* settings in the environment reach the host.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

ensure_node_modules
require python3 "boto3 preloads the keys and botocore signs the admin calls"
log "building the local host (Release)"
dotnet build host/ObjectStore.LocalHost/ObjectStore.LocalHost.csproj -c Release -nologo -v q -clp:ErrorsOnly

scratch_data objectstore-split
start_scratch_azurite memory
azurite_pid=${pids[-1]}
start_scratch_host OBJECTSTORE_BACKGROUND=off OBJECTSTORE_ACCESS_KEY=bench OBJECTSTORE_SECRET_KEY=bench-secret \
  OBJECTSTORE_INDEX_ROUTING_CACHE_SECONDS="${OBJECTSTORE_INDEX_ROUTING_CACHE_SECONDS:-1}"
log "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
timeout 3700 python3 scripts/bench_split.py --endpoint "http://127.0.0.1:$host_port" --key bench --secret bench-secret \
  --host-pid "$host_pid" --azurite-pid "$azurite_pid" "$@"
log "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
