#!/usr/bin/env bash
# Repair benchmark (docs/benchmarks.md, "Repair"): builds the local host and the admin command line
# (Release), starts Azurite (in memory) and the local host on free 127.0.0.1 ports with a fresh
# temporary data directory, writes REPAIR_BENCH_GIB GiB (default 2) as 64 MiB objects with boto3,
# then through the admin API:
#   1. a full verify pass (OBJECTSTORE_REPAIR_VERIFY_FRACTION=1: every block of every shard read
#      and checksummed) over healthy data: verify throughput, extrapolated to time per TB;
#   2. zone-b's directory deleted and recreated empty (a replaced disk), then a pass: every lost
#      shard rebuilt from the survivors: repair throughput (GB rebuilt per minute).
# Times are the passes' own (started/completed in the report), not the command line's. The host
# runs with OBJECTSTORE_BACKGROUND=off so no scheduled pass interferes; everything started is
# stopped by PID and the directory removed at the end.
#
#   scripts/bench-repair.sh            REPAIR_BENCH_GIB=8 scripts/bench-repair.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

gib="${REPAIR_BENCH_GIB:-2}"
ensure_node_modules
require python3 "install Python 3 with boto3"
log "building the local host and the admin command line (Release)"
dotnet build host/ObjectStore.LocalHost/ObjectStore.LocalHost.csproj -c Release -nologo -v q -clp:ErrorsOnly
dotnet build tools/ObjectStore.Admin/ObjectStore.Admin.csproj -c Release -nologo -v q -clp:ErrorsOnly

scratch_data objectstore-repair-bench

start_scratch_azurite memory
start_scratch_host OBJECTSTORE_BACKGROUND=off OBJECTSTORE_ACCESS_KEY=bench OBJECTSTORE_SECRET_KEY=bench-secret \
  OBJECTSTORE_REPAIR_VERIFY_FRACTION=1 OBJECTSTORE_REPAIR_MAX_PASS_DURATION=3600

export OBJECTSTORE_ENDPOINT="http://127.0.0.1:$host_port" OBJECTSTORE_ACCESS_KEY=bench OBJECTSTORE_SECRET_KEY=bench-secret
admin() { dotnet tools/ObjectStore.Admin/bin/Release/net10.0/objectstore-admin.dll "$@"; }

log "writing $gib GiB as 64 MiB objects"
python3 - "$host_port" "$gib" <<'PY'
import os, sys, boto3
from botocore.config import Config
port, gib = sys.argv[1], int(sys.argv[2])
s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", aws_access_key_id="bench",
                  aws_secret_access_key="bench-secret", region_name="us-east-1",
                  config=Config(s3={"addressing_style": "path"}, request_checksum_calculation="when_required"))
s3.create_bucket(Bucket="repair-bench")
body = bytearray(os.urandom(64 << 20))
for i in range(gib * 16):
    body[:8] = i.to_bytes(8, "little")  # every object distinct
    s3.put_object(Bucket="repair-bench", Key=f"object-{i:05d}", Body=bytes(body))
PY

# summarize NAME FILE: the pass's own time and throughput from the admin JSON.
summarize() {
  python3 - "$1" "$2" <<'PY'
import json, sys
from datetime import datetime
name, path = sys.argv[1], sys.argv[2]
p = json.load(open(path))["report"]["lastPass"]
secs = (datetime.fromisoformat(p["completedAt"]) - datetime.fromisoformat(p["startedAt"])).total_seconds()
data = p["checked"]["bytes"]
rebuilt = p["shardBytesRebuilt"]
print(f"{name}: {p['checked']['objects']} objects, {data / 1e9:.2f} GB of data, {p['fullyVerified']} fully verified, "
      f"{p['shardsRepaired']} shards rebuilt ({rebuilt / 1e9:.2f} GB written), {secs:.1f} s")
print(f"  data checked: {data / 1e9 / secs * 60:.1f} GB/min; full verify of 1 TB of data: {1e12 / (data / secs) / 3600:.1f} h")
if rebuilt:
    print(f"  rebuilt: {rebuilt / 1e9 / secs * 60:.1f} GB of shards per minute "
          f"({data / 1e9 / secs * 60:.1f} GB of object data back to full redundancy per minute)")
PY
}

log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
log "pass 1: full verify of healthy data"
admin repair run >"$data/verify.json"
summarize "full verify" "$data/verify.json"

log "zone-b lost and replaced by an empty directory"
rm -rf "$data/zones/zone-b"
mkdir "$data/zones/zone-b"
log "pass 2: rebuild"
admin repair run >"$data/rebuild.json"
summarize "rebuild after zone loss" "$data/rebuild.json"
log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
