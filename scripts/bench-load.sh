#!/usr/bin/env bash
# Load benchmark of the local host (docs/benchmarks.md): builds the local host and the load tool
# (Release), starts Azurite and the local host on free 127.0.0.1 ports with their state in a fresh
# temporary directory, runs the load tool's scenarios, prints the table, then stops everything it
# started (by PID) and removes the directory.
#
#   scripts/bench-load.sh [load tool arguments...]     e.g. --scenarios small,list --seconds 5
#
# BENCH_AZURITE=disk (default, as ./run.sh: Azurite keeps its files under the data directory) or
# memory (--inMemoryPersistence). OBJECTSTORE_* settings in the environment reach the host, e.g.
# OBJECTSTORE_ZONE_BACKEND=blob puts every zone in a container of the same Azurite. BENCH_DATA=DIR puts the temporary directory under DIR (default
# $TMPDIR or /tmp). The host runs with OBJECTSTORE_BACKGROUND=off (the gateway alone: no timer
# passes or queue polling during the measurement) and every pass's schedule a year away
# (far_schedules in scripts/common.sh), and logs to $data/host.log. BENCH_SMALL_KIB=N makes the small
# scenario's objects N KiB (4 by default; for measuring OBJECTSTORE_INLINE_MAX_BYTES). Each row also gives
# the CPU time one operation cost the host, Azurite and the load tool (client): steadier than the
# throughput on a machine other work shares.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

mode="${BENCH_AZURITE:-disk}"
case "$mode" in disk|memory) ;; *) log "BENCH_AZURITE must be disk or memory"; exit 2 ;; esac

ensure_node_modules
log "building the local host and the load tool (Release)"
dotnet build host/ObjectStore.LocalHost/ObjectStore.LocalHost.csproj -c Release -nologo -v q -clp:ErrorsOnly
dotnet build bench/ObjectStore.Load/ObjectStore.Load.csproj -c Release -nologo -v q -clp:ErrorsOnly

scratch_data objectstore-bench

start_scratch_azurite "$mode"
mapfile -t schedules < <(far_schedules)
start_scratch_host OBJECTSTORE_BACKGROUND=off OBJECTSTORE_ACCESS_KEY=bench OBJECTSTORE_SECRET_KEY=bench-secret "${schedules[@]}"

log "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet bench/ObjectStore.Load/bin/Release/net10.0/ObjectStore.Load.dll \
  --endpoint "http://127.0.0.1:$host_port" --access-key bench --secret-key bench-secret \
  --cpu "host=$host_pid,azurite=${pids[0]}" "$@"
log "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg); Azurite $mode"
