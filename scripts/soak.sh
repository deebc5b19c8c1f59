#!/usr/bin/env bash
# Soak test (docs/connections.md, "Soak"): builds the local host (Release), starts Azurite (in
# memory) and the host on free 127.0.0.1 ports in a fresh temporary directory, runs mixed load from
# several clients with injected faults (resets mid-body, 1 byte/s bodies, zero-length PUTs with
# Expect: 100-continue) for a bounded time, reports, and stops what it started (by PID).
#
#   scripts/soak.sh                       # 10 minutes, 8 clients
#   scripts/soak.sh --duration 60         # shorter; also --clients N (at most 64), --fault-rate 0.03, --seed N
#
# Loopback only; stops by itself (the duration is capped at one hour). The host runs with its
# background passes on and a 2 s grace for slow bodies, so the injected trickles are cut quickly.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

ensure_node_modules
require python3 "boto3's botocore signs the requests"
log "building the local host (Release)"
dotnet build host/ObjectStore.LocalHost/ObjectStore.LocalHost.csproj -c Release -nologo -v q -clp:ErrorsOnly

scratch_data objectstore-soak
start_scratch_azurite memory
start_scratch_host OBJECTSTORE_ACCESS_KEY=soak OBJECTSTORE_SECRET_KEY=soak-secret OBJECTSTORE_MIN_REQUEST_BODY_GRACE=2
log "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
timeout 3800 python3 scripts/soak.py --endpoint "http://127.0.0.1:$host_port" --key soak --secret soak-secret \
  --host-log "$data/host.log" "$@"
log "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
if grep -q -- "-> 5[0-9][0-9] " "$data/host.log"; then
  log "5xx lines in the host log:"; grep -- "-> 5[0-9][0-9] " "$data/host.log" | head -20 >&2
fi
if grep -q " fail: " "$data/host.log"; then
  log "'fail:' lines in the host log:"; grep -A2 " fail: " "$data/host.log" | head -30 >&2
fi
