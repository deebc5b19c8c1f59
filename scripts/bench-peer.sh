#!/usr/bin/env bash
# The local host beside a peer (docs/benchmarks.md "Against radosgw"): runs the load tool
# (bench/ObjectStore.Load) against a one-node Ceph radosgw (../shared/bench/radosgw.sh) and then against
# a fresh local host over a fresh Azurite, back to back, and prints one markdown table: both results,
# their ratio, and the CPU time per operation of each side's processes (host and Azurite; rgw, osd and
# mon). Everything it starts lives in one temporary directory and is stopped by PID on exit.
#
#   scripts/bench-peer.sh [--seconds N] [--list-keys N]      defaults: 5 s per timed row, 10,000 keys
#
# RADOSGW_SH=PATH names the peer's start script (default: the first bench/radosgw.sh found in
# ../shared, ../../shared or /work/shared). BENCH_PEER_TIMEOUT (default 900) bounds each load run in
# seconds. OBJECTSTORE_* settings in the environment reach the host, as with scripts/bench-load.sh; the
# host runs with OBJECTSTORE_BACKGROUND=off and every background pass's schedule a year away
# (far_schedules in scripts/common.sh), and the load tool waits before each row until the measured
# processes are idle, so neither a pass nor the previous row's leftover work lands in a row.
# Workloads: 4 KiB PUT, GET, HEAD and DELETE at 8 clients; ListObjectsV2 of 10,000 keys at 8 clients;
# 64 MiB PUT at 1 client (4 objects), then GETs of those 4 for 5 s; 256 MiB multipart in 16 MiB parts at 8 clients (4 objects,
# a row of about 3 s: Azurite saves its table database every 5 s, and the 1-second row of 2 objects met
# such a save at random).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

seconds=5
list_keys=10000
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --list-keys) list_keys=$2; shift 2 ;;
    *) log "usage: scripts/bench-peer.sh [--seconds N] [--list-keys N]"; exit 2 ;;
  esac
done
run_timeout="${BENCH_PEER_TIMEOUT:-900}"

radosgw_sh="${RADOSGW_SH:-}"
if [ -z "$radosgw_sh" ]; then
  for candidate in ../shared/bench/radosgw.sh ../../shared/bench/radosgw.sh /work/shared/bench/radosgw.sh; do
    if [ -f "$candidate" ]; then radosgw_sh="$(cd "$(dirname "$candidate")" && pwd)/radosgw.sh"; break; fi
  done
fi
[ -n "$radosgw_sh" ] && [ -f "$radosgw_sh" ] || { log "radosgw.sh not found: set RADOSGW_SH"; exit 1; }
# The peer's monitor has fixed ports: a radosgw someone else runs on this machine would clash.
if (exec 3<>/dev/tcp/127.0.0.1/3391) 2>/dev/null; then
  log "port 3391 (a Ceph monitor) is in use: another radosgw runs here; stop it first"
  exit 1
fi

ensure_node_modules
log "building the local host and the load tool (Release)"
dotnet build host/ObjectStore.LocalHost/ObjectStore.LocalHost.csproj -c Release -nologo -v q -clp:ErrorsOnly >&2
dotnet build bench/ObjectStore.Load/ObjectStore.Load.csproj -c Release -nologo -v q -clp:ErrorsOnly >&2

scratch_data objectstore-peer
peer_dir="$data/radosgw"
peer_started=0
stop_peer() {
  if [ "$peer_started" = 1 ]; then
    D="$peer_dir" "$radosgw_sh" stop >&2 || true
    peer_started=0
  fi
}
# Stop the peer before the scratch directory (its state) goes.
trap 'stop_peer; stop_scratch; exit 130' INT
trap 'stop_peer; stop_scratch; exit 143' TERM
trap 'stop_peer; stop_scratch' EXIT

load_args=(--scenarios small,list,large,multipart --seconds "$seconds" --list-keys "$list_keys"
  --small-clients 8 --list-clients 8 --large-clients 1 --large-objects 4
  --multipart-clients 8 --multipart-mib 256 --multipart-objects 4)
load_tool=bench/ObjectStore.Load/bin/Release/net10.0/ObjectStore.Load.dll

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
peer_port=$(free_port)
log "starting radosgw on 127.0.0.1:$peer_port (state in $peer_dir)"
peer_started=1
D="$peer_dir" RGW_PORT="$peer_port" "$radosgw_sh" start >&2
cpu_peer="rgw=$(cat "$peer_dir/rgw.pid"),osd=$(cat "$peer_dir/osd.pid"),mon=$(cat "$peer_dir/mon.pid")"
log "load tool against radosgw"
timeout "$run_timeout" dotnet "$load_tool" --endpoint "http://127.0.0.1:$peer_port" \
  --access-key BENCHACCESSKEY --secret-key BENCHSECRETKEY --cpu "$cpu_peer" "${load_args[@]}" | tee "$data/peer.md" >&2
stop_peer

start_scratch_azurite disk
mapfile -t schedules < <(far_schedules)
start_scratch_host OBJECTSTORE_BACKGROUND=off OBJECTSTORE_ACCESS_KEY=bench OBJECTSTORE_SECRET_KEY=bench-secret "${schedules[@]}"
log "load tool against the local host"
timeout "$run_timeout" dotnet "$load_tool" --endpoint "http://127.0.0.1:$host_port" \
  --access-key bench --secret-key bench-secret --cpu "host=$host_pid,azurite=${pids[0]}" "${load_args[@]}" | tee "$data/host.md" >&2
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$data/peer.md" "$data/host.md" "$load_before" "$load_after" "$(git rev-parse --short HEAD 2>/dev/null || echo '?')" <<'PY'
import re, sys
def rows(path):
    out = {}
    for line in open(path):
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if len(cells) < 2 or cells[0] in ('Measurement', '---') or cells[0].startswith('-'):
            continue
        name = re.sub(r' \(\d+ full listings', ' (', cells[0]).replace(' ()', '').replace('(, ', '(')
        m = re.match(r'([\d.]+) (\S+)', cells[1])
        if m:
            out[name] = (float(m.group(1)), m.group(2), cells[2] if len(cells) > 2 else '')
    return out
peer, host = rows(sys.argv[1]), rows(sys.argv[2])
def cpu(text, labels):
    found = dict(re.findall(r'(\w+) ([\d.]+|NaN) ms', text))
    per = re.search(r' per (.+)$', text)
    return ' / '.join(f"{found.get(l, '?')}" for l in labels) + (f" ms per {per.group(1)}" if per else '')
print(f"Commit {sys.argv[5]}; load average before {sys.argv[3]}, after {sys.argv[4]}\n")
print("| Workload | radosgw | ObjectStore | ratio | CPU per op, ObjectStore host / Azurite | CPU per op, radosgw rgw / osd / mon |")
print("|---|---|---|---|---|---|")
for name, (value, unit, cpu_host) in host.items():
    p = peer.get(name)
    ratio = f"{value / p[0]:.2f}x" if p and p[0] > 0 else '-'
    print(f"| {name} | {f'{p[0]:,.0f} {p[1]}' if p else '-'} | {value:,.0f} {unit} | {ratio} | {cpu(cpu_host, ['host', 'azurite'])} | {cpu(p[2], ['rgw', 'osd', 'mon']) if p else '-'} |")
PY
