#!/usr/bin/env bash
# Index scale-out under throttled partitions (docs/benchmarks.md "Index scale-out (throttled
# partitions)", issue 22): how many 4 KiB PUT and GET one bucket sustains at 1, 2, 4, 8 and 16 index
# partitions when every Table partition has a budget of --budget entity operations/s (Azure: about
# 2,000; scaled down so this machine can exceed it), and what a 1000-key listing page costs.
#
#   scripts/bench-index-scale.sh [--partitions "1 2 4 8 16"] [--hosts 3] [--budget 100] [--seconds 15]
#                                [--clients 64] [--keys 3000] [--list-seconds 5] [--no-reference]
#                                [--split-to 8] [--split-keys 5000]
#
# Starts, on free 127.0.0.1 ports with their state in one temporary directory: Azurite (in memory;
# BENCH_AZURITE=disk keeps its files), bench/ObjectStore.ThrottleProxy in front of its Table endpoint
# (a token bucket per PartitionKey answering 503 ServerBusy as Azure does; blobs and queues go
# straight to Azurite), and for each partition count P, --hosts local host instances
# (OBJECTSTORE_INDEX_PARTITIONS=P, background passes off) whose Table endpoint is the proxy. The load
# tool then, against all instances in turn: creates bucket scale-p<P> and preloads --keys 4 KiB
# objects with the budget lifted; PUTs new keys for --seconds; GETs preloaded keys for --seconds
# (--clients at a time; a 503 SlowDown is counted and retried after a short jittered back-off); lists
# the preloaded keys in pages of 1000 for --list-seconds. The instances are stopped before the next P.
# A last reference run (unless --no-reference) does the same at one partition with the budget lifted:
# the same path without throttling (one partition still keeps one group-commit transaction in flight). Last, the split speed (unless
# --split-to 0): one host, a bucket of --split-keys keys at one partition grown online to --split-to
# partitions with `objectstore-admin index grow` (budget lifted): its time and the Table operations
# each moved key cost the source partition and the targets.
# Prints one markdown table: requests/s, SlowDowns, Table operations and CPU (hosts + Azurite + proxy)
# per request, and per listing page its time, Table queries and rows read. Every run is bounded
# (timeout); only processes this script started are stopped, by PID. BENCH_OUT=DIR keeps the raw
# results (a JSON line per measurement), the hosts' logs and the proxy's per-partition counts there.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

partitions="1 2 4 8 16"
hosts=3
budget=100
seconds=15
clients=64
keys=3000
list_seconds=5
reference=1
split_to=8
split_keys=5000
usage="usage: scripts/bench-index-scale.sh [--partitions \"1 2 4 8 16\"] [--hosts N] [--budget OPS] [--seconds N] [--clients N] [--keys N] [--list-seconds N] [--no-reference] [--split-to N] [--split-keys N]"
while [ $# -gt 0 ]; do
  case "$1" in
    --partitions) partitions=$2; shift 2 ;;
    --hosts) hosts=$2; shift 2 ;;
    --budget) budget=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --keys) keys=$2; shift 2 ;;
    --list-seconds) list_seconds=$2; shift 2 ;;
    --no-reference) reference=0; shift ;;
    --split-to) split_to=$2; shift 2 ;;
    --split-keys) split_keys=$2; shift 2 ;;
    *) log "$usage"; exit 2 ;;
  esac
done
mode="${BENCH_AZURITE:-memory}"
case "$mode" in disk|memory) ;; *) log "BENCH_AZURITE must be disk or memory"; exit 2 ;; esac

ensure_node_modules
log "building the local host, the load tool and the throttling proxy (Release)"
for project in host/ObjectStore.LocalHost/ObjectStore.LocalHost.csproj bench/ObjectStore.Load/ObjectStore.Load.csproj \
  bench/ObjectStore.ThrottleProxy/ObjectStore.ThrottleProxy.csproj tools/ObjectStore.Admin/ObjectStore.Admin.csproj; do
  dotnet build "$project" -c Release -nologo -v q -clp:ErrorsOnly >&2
done
load_tool=bench/ObjectStore.Load/bin/Release/net10.0/ObjectStore.Load.dll

scratch_data objectstore-index-scale
start_scratch_azurite "$mode"
azurite_pid=${pids[0]}

log "starting the throttling proxy: $budget operations/s per partition"
dotnet bench/ObjectStore.ThrottleProxy/bin/Release/net10.0/ObjectStore.ThrottleProxy.dll \
  --table-endpoint "http://127.0.0.1:$table_port/devstoreaccount1" --ops-per-second "$budget" \
  --ready-file "$data/proxy.ready" --max-seconds 3600 >"$data/proxy.log" 2>&1 &
proxy_pid=$!
pids+=("$proxy_pid")
for ((i = 0; i < 300; i++)); do
  [ -f "$data/proxy.ready" ] && break
  kill -0 "$proxy_pid" 2>/dev/null || { log "the proxy exited: $(cat "$data/proxy.log")"; exit 1; }
  sleep 0.1
done
[ -f "$data/proxy.ready" ] || { log "the proxy did not start within 30 s"; exit 1; }
proxy_table=$(sed -n 1p "$data/proxy.ready")
proxy_control=$(sed -n 2p "$data/proxy.ready")
table_connection="$(printf '%s' "$storage_connection" | sed "s#TableEndpoint=[^;]*#TableEndpoint=$proxy_table#")"
master_key="$(head -c 32 /dev/urandom | base64)"
mapfile -t schedules < <(far_schedules)

# start_instances P LABEL: --hosts local hosts sharing $data/hosts (zones) and the proxy, started together; logs
# $data/host-pLABEL-k.log; sets endpoints, cpu_labels, host_pids.
start_instances() {
  local p=$1 label=$2 k ports=()
  host_pids=(); endpoints=""; cpu_labels=""
  for ((k = 1; k <= hosts; k++)); do
    ports+=("$(free_port)")
    env OBJECTSTORE_PORT="${ports[-1]}" OBJECTSTORE_BIND_ADDRESS=127.0.0.1 OBJECTSTORE_DATA="$data/hosts" \
      OBJECTSTORE_STORAGE_CONNECTION_STRING="$table_connection" OBJECTSTORE_MASTER_KEY="$master_key" \
      OBJECTSTORE_INDEX_PARTITIONS="$p" OBJECTSTORE_BACKGROUND=off "${schedules[@]}" \
      OBJECTSTORE_ACCESS_KEY=bench OBJECTSTORE_SECRET_KEY=bench-secret \
      dotnet host/ObjectStore.LocalHost/bin/Release/net10.0/ObjectStore.LocalHost.dll >"$data/host-p$label-$k.log" 2>&1 &
    host_pids+=($!)
    pids+=($!)
  done
  for ((k = 1; k <= hosts; k++)); do
    wait_for_port "${ports[k - 1]}" 120 "local host $k" "${host_pids[k - 1]}"
    endpoints+="${endpoints:+,}http://127.0.0.1:${ports[k - 1]}"
    cpu_labels+="${cpu_labels:+,}host$k=${host_pids[k - 1]}"
  done
  cpu_labels+=",azurite=$azurite_pid,proxy=$proxy_pid"
}

# stop_instances: SIGTERM to this P's hosts (by PID), then drop them from "pids".
stop_instances() {
  local pid i alive kept=()
  for pid in "${host_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for ((i = 0; i < 100; i++)); do
    alive=0
    for pid in "${host_pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  for pid in "${host_pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do [[ " ${host_pids[*]} " == *" $pid "* ]] || kept+=("$pid"); done
  pids=("${kept[@]}")
}

started_at=$(date -u '+%Y-%m-%d %H:%M UTC')
runs="$partitions"
[ "$reference" = 1 ] && runs+=" none"
for p in $runs; do
  count=$p; scenarios=preload,put,get
  # The reference run: one partition, the budget lifted after the preload (and through the listing).
  [ "$p" = none ] && { count=1; scenarios=preload,unthrottle,put,get; }
  log "$(date -u +%T) P=$p: starting $hosts local hosts (OBJECTSTORE_INDEX_PARTITIONS=$count); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  cut -d' ' -f1 /proc/loadavg >"$data/load-before-$p"
  start_instances "$count" "$p"
  common=(--endpoint "$endpoints" --access-key bench --secret-key bench-secret --bucket "scale-p$p" --keys "$keys"
    --clients "$clients" --proxy "$proxy_control" --results "$data/results-$p.jsonl" --cpu "$cpu_labels")
  # A failed or timed-out run leaves its rows out ("no result") and the sweep goes on.
  timeout $((3 * seconds + keys / 20 + 300)) dotnet "$load_tool" "${common[@]}" --scenarios "$scenarios" --seconds "$seconds" >&2 \
    || log "P=$p: the load tool failed (exit $?)"
  timeout $((list_seconds + 300)) dotnet "$load_tool" "${common[@]}" --scenarios listpages --seconds "$list_seconds" >&2 \
    || log "P=$p: the listing run failed (exit $?)"
  cut -d' ' -f1 /proc/loadavg >"$data/load-after-$p"
  log "P=$p: 'fail:' lines in the hosts' logs: $(cat "$data"/host-p"$p"-*.log | grep -c 'fail:' || true)"
  stop_instances
done

# proxy_stats FILE: the proxy's per-partition counts, saved.
proxy_stats() { python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1] + "stats").read().decode())' "$proxy_control" >"$1"; }

if [ "$split_to" -gt 1 ]; then
  log "$(date -u +%T) split: one local host, $split_keys keys grown from 1 to $split_to partitions (budget lifted)"
  hosts_sweep=$hosts; hosts=1
  start_instances 1 split
  hosts=$hosts_sweep
  timeout $((split_keys / 20 + 300)) dotnet "$load_tool" --endpoint "$endpoints" --access-key bench --secret-key bench-secret \
    --bucket scale-split --keys "$split_keys" --clients "$clients" --proxy "$proxy_control" --scenarios preload,unthrottle >&2 \
    || log "split: the preload failed (exit $?)"
  proxy_stats "$data/split-before.json"
  split_start=$(date +%s.%N)
  for ((i = 0; i < 10; i++)); do
    OBJECTSTORE_ENDPOINT="$endpoints" OBJECTSTORE_ACCESS_KEY=bench OBJECTSTORE_SECRET_KEY=bench-secret timeout 300 \
      dotnet tools/ObjectStore.Admin/bin/Release/net10.0/objectstore-admin.dll index grow scale-split "$split_to" >"$data/split-answer.json" \
      || { log "split: index grow failed: $(cat "$data/split-answer.json")"; break; }
    grep -q '"done": *true' "$data/split-answer.json" && break
  done
  split_end=$(date +%s.%N)
  proxy_stats "$data/split-after.json"
  echo "$split_start $split_end" >"$data/split-time"
  stop_instances
fi
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

python3 scripts/bench_index_scale.py "$data" "$budget" "$hosts" "$clients" "$keys" "$started_at" "$load_end" \
  "$(git rev-parse --short HEAD 2>/dev/null || echo '?')" $runs
[ "$split_to" -gt 1 ] && python3 scripts/bench_index_scale_split.py "$data" scale-split "$split_keys" "$split_to"
kill "$proxy_pid" 2>/dev/null || true
for ((i = 0; i < 100; i++)); do kill -0 "$proxy_pid" 2>/dev/null || break; sleep 0.1; done
log "the proxy's counts per partition (every bucket of the run):"
sed -n '/^Budget/,$p' "$data/proxy.log" >&2
if [ -n "${BENCH_OUT:-}" ]; then
  mkdir -p "$BENCH_OUT"
  cp "$data"/results-*.jsonl "$data"/host-p*.log "$data"/load-*-* "$data"/split-* "$data/proxy.log" "$BENCH_OUT"/ 2>/dev/null || true
  log "results kept in $BENCH_OUT"
fi
