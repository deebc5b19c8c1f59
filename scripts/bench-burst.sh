#!/usr/bin/env bash
# Burst of new connections (docs/benchmarks.md, "Connection burst"): builds the local host
# (Release), starts Azurite (in memory) and the host on free 127.0.0.1 ports in a fresh temporary
# directory, opens N connections at once that each GET a 4 KiB object, then R more GETs on every
# connection, prints client- and handler-side latencies, and stops what it started (by PID).
#
#   scripts/bench-burst.sh [--connections 200] [--rounds 5] [--deadline 180]
#
# Bounded: at most 1000 connections and 20 rounds, and the deadline (seconds) ends it. Loopback
# only. OBJECTSTORE_* settings in the environment reach the host.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

ensure_node_modules
require python3 "boto3's botocore signs the requests"
log "building the local host (Release)"
dotnet build host/ObjectStore.LocalHost/ObjectStore.LocalHost.csproj -c Release -nologo -v q -clp:ErrorsOnly

scratch_data objectstore-burst
start_scratch_azurite memory
start_scratch_host OBJECTSTORE_BACKGROUND=off OBJECTSTORE_ACCESS_KEY=bench OBJECTSTORE_SECRET_KEY=bench-secret
log "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
timeout 600 python3 scripts/bench_burst.py --endpoint "http://127.0.0.1:$host_port" --key bench --secret bench-secret \
  --host-log "$data/host.log" "$@"
log "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
