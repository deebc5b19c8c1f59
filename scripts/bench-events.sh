#!/usr/bin/env bash
# Event delivery benchmark (docs/benchmarks.md): builds the local host (Release), starts Azurite and
# the local host on free 127.0.0.1 ports with a webhook destination "bench" pointing at the receiver
# scripts/bench_events.py serves, runs it (PUTs with boto3, events to the webhook), prints
# throughput and latency as JSON, then stops everything it started (by PID) and removes its files.
#
#   scripts/bench-events.sh [--events N] [--concurrency C] [--size BYTES]
#
# BENCH_AZURITE=disk (default) or memory, as scripts/bench-load.sh. The host runs its queue pump
# (background on) with the default outbox sweep; its log is in $data/host.log while it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

mode="${BENCH_AZURITE:-disk}"
case "$mode" in disk|memory) ;; *) log "BENCH_AZURITE must be disk or memory"; exit 2 ;; esac

ensure_node_modules
log "building the local host (Release)"
dotnet build host/ObjectStore.LocalHost/ObjectStore.LocalHost.csproj -c Release -nologo -v q -clp:ErrorsOnly

scratch_data objectstore-bench-events

start_scratch_azurite "$mode"
hook_port=$(free_port)
log "webhook receiver on 127.0.0.1:$hook_port"
start_scratch_host OBJECTSTORE_ACCESS_KEY=bench OBJECTSTORE_SECRET_KEY=bench-secret \
  ObjectStore__Notifications__Webhooks__bench__Url="http://127.0.0.1:$hook_port/hook"

log "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
python3 scripts/bench_events.py --endpoint "http://127.0.0.1:$host_port" --hook-port "$hook_port" "$@" || status=$?
log "host log: $(grep -c 'retrying in' "$data/host.log" || true) delivery retries, $(grep -c 'Outbox sweep moved' "$data/host.log" || true) sweeps that moved events"
grep -E 'retrying in|poison' "$data/host.log" | head -5 >&2 || true
log "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg); Azurite $mode"
exit "$status"
