#!/usr/bin/env bash
# Storage transactions per S3 operation (docs/benchmarks.md "Cost on Azure"): starts Azurite (in
# memory, with --debug: every request it receives is logged) and the local host with every zone in a
# blob container (OBJECTSTORE_ZONE_BACKEND=blob, as on Azure) and the background passes off, runs
# scripts/count_transactions.py (boto3), and prints the requests each operation caused per service, in a
# bucket without and in one with a notification configuration.
#
#   scripts/count-transactions.sh [--verbose]     --verbose lists each run's requests on stderr, named
#                                                 (bucket record, routing query, current row, $batch...)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
ensure_node_modules
dotnet build host/ObjectStore.LocalHost/ObjectStore.LocalHost.csproj -c Release -nologo -v q -clp:ErrorsOnly >&2
scratch_data objectstore-count
blob_port=$(free_port); queue_port=$(free_port); table_port=$(free_port)
mkdir -p "$data/azurite"
(cd "$data/azurite" && exec node "$OLDPWD/node_modules/azurite/dist/src/azurite.js" --silent --skipApiVersionCheck --loose --inMemoryPersistence \
  --blobHost 127.0.0.1 --blobPort "$blob_port" --queueHost 127.0.0.1 --queuePort "$queue_port" --tableHost 127.0.0.1 --tablePort "$table_port" \
  --debug "$data/azurite-debug.log") >"$data/azurite.log" 2>&1 &
pids+=($!)
wait_for_port "$table_port" 30 "Azurite" "$!"
storage_connection="$(azurite_connection_string "$blob_port" "$queue_port" "$table_port")"
start_scratch_host OBJECTSTORE_BACKGROUND=off OBJECTSTORE_ZONE_BACKEND=blob OBJECTSTORE_ACCESS_KEY=bench OBJECTSTORE_SECRET_KEY=bench-secret \
  ObjectStore__Notifications__Webhooks__count__Url=http://127.0.0.1:9/unused
python3 scripts/count_transactions.py "http://127.0.0.1:$host_port" "$data/azurite-debug.log" "$@"
