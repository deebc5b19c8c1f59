#!/usr/bin/env bash
# Lifecycle dry run of the example ML artifact bucket (README, "Lifecycle"): starts Azurite and a
# local host on free ports with a one-second rule day, writes objects, versions and incomplete
# uploads in three waves (written at rule days 0, 90 and 120; the report comes at about day 130; takes about three
# minutes), installs docs/examples/ml-artifacts-lifecycle.xml and prints the dry-run report
# (admin command line: lifecycle dry-run). Everything it started is stopped and removed at the end.
# Extra arguments go to the dry run (e.g. --after-days 30). Set OBJECTSTORE_COST_CURRENCY=INR and
# OBJECTSTORE_COST_USD_RATE=... for a report in rupees.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

ensure_node_modules
require python3 "install Python 3 with boto3"
log "building the local host and the admin command line (Release)"
dotnet build host/ObjectStore.LocalHost/ObjectStore.LocalHost.csproj -c Release -nologo -v q -clp:ErrorsOnly
dotnet build tools/ObjectStore.Admin/ObjectStore.Admin.csproj -c Release -nologo -v q -clp:ErrorsOnly

scratch_data objectstore-lifecycle-demo

start_scratch_azurite memory
export OBJECTSTORE_ACCESS_KEY=demo OBJECTSTORE_SECRET_KEY=demo-secret
start_scratch_host OBJECTSTORE_BACKGROUND=off OBJECTSTORE_LIFECYCLE_DAY=00:00:01

endpoint="http://127.0.0.1:$host_port"
python3 scripts/lifecycle_demo.py "$endpoint" demo demo-secret ml-artifacts docs/examples/ml-artifacts-lifecycle.xml
sleep 5 # wave C is ~5 rule days old when the report is taken

OBJECTSTORE_ENDPOINT="$endpoint" dotnet tools/ObjectStore.Admin/bin/Release/net10.0/objectstore-admin.dll \
  lifecycle dry-run ml-artifacts "$@" >"$data/report.json"
python3 -c 'import json, sys; print("\n".join(json.load(open(sys.argv[1]))["report"]))' "$data/report.json"
if [ -n "${LIFECYCLE_DEMO_JSON:-}" ]; then cp "$data/report.json" "$LIFECYCLE_DEMO_JSON"; fi
