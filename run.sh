#!/usr/bin/env bash
# Sets up and runs the ObjectStore local host: installs Azurite (pinned in package-lock.json),
# builds, starts Azurite unless OBJECTSTORE_STORAGE_CONNECTION_STRING is given, then serves S3
# in the foreground. Ctrl-C or SIGTERM stops everything it started.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/common.sh

export OBJECTSTORE_PORT="${OBJECTSTORE_PORT:-9000}"
export OBJECTSTORE_DATA="$(realpath -m "${OBJECTSTORE_DATA:-./data}")"
export OBJECTSTORE_ACCESS_KEY="${OBJECTSTORE_ACCESS_KEY:-objectstore}"
export OBJECTSTORE_SECRET_KEY="${OBJECTSTORE_SECRET_KEY:-objectstore-secret}"
AZURITE_BLOB_PORT="${OBJECTSTORE_AZURITE_BLOB_PORT:-10000}"
AZURITE_QUEUE_PORT="${OBJECTSTORE_AZURITE_QUEUE_PORT:-10001}"
AZURITE_TABLE_PORT="${OBJECTSTORE_AZURITE_TABLE_PORT:-10002}"

ensure_node_modules
log "building the local host"
dotnet build host/ObjectStore.LocalHost/ObjectStore.LocalHost.csproj -c Release -nologo -v q -clp:ErrorsOnly

pids=()
stop_all() {
  trap - INT TERM EXIT
  stop_pids
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT

mkdir -p "$OBJECTSTORE_DATA"
if [ -z "${OBJECTSTORE_STORAGE_CONNECTION_STRING:-}" ]; then
  mkdir -p "$OBJECTSTORE_DATA/azurite"
  log "starting Azurite (data in $OBJECTSTORE_DATA/azurite)"
  node node_modules/azurite/dist/src/azurite.js --silent --skipApiVersionCheck --loose \
    --location "$OBJECTSTORE_DATA/azurite" \
    --blobHost 127.0.0.1 --blobPort "$AZURITE_BLOB_PORT" \
    --queueHost 127.0.0.1 --queuePort "$AZURITE_QUEUE_PORT" \
    --tableHost 127.0.0.1 --tablePort "$AZURITE_TABLE_PORT" &
  pids+=($!)
  wait_for_port "$AZURITE_TABLE_PORT" 30 "Azurite" "$!"
  OBJECTSTORE_STORAGE_CONNECTION_STRING="$(azurite_connection_string "$AZURITE_BLOB_PORT" "$AZURITE_QUEUE_PORT" "$AZURITE_TABLE_PORT")"
  export OBJECTSTORE_STORAGE_CONNECTION_STRING
fi

log "starting the local host on 127.0.0.1:$OBJECTSTORE_PORT"
dotnet host/ObjectStore.LocalHost/bin/Release/net10.0/ObjectStore.LocalHost.dll &
pids+=($!)
wait_for_port "$OBJECTSTORE_PORT" 60 "the local host" "$!"

cat <<INFO

ObjectStore is serving S3 at http://127.0.0.1:$OBJECTSTORE_PORT
  access key: $OBJECTSTORE_ACCESS_KEY
  secret key: $OBJECTSTORE_SECRET_KEY
  region:     ${OBJECTSTORE_REGION:-us-east-1}
  data:       $OBJECTSTORE_DATA
Try: AWS_ACCESS_KEY_ID=$OBJECTSTORE_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$OBJECTSTORE_SECRET_KEY aws --endpoint-url http://127.0.0.1:$OBJECTSTORE_PORT s3 ls
Ctrl-C stops it.

INFO
# Wait for whichever child ends first (Ctrl-C ends the wait through the trap).
wait -n "${pids[@]}"
