# Shared helpers of run.sh, test.sh and the bench and demo scripts.

log() { printf '[objectstore] %s\n' "$*" >&2; }

require() {
  command -v "$1" >/dev/null 2>&1 || { log "missing '$1': $2"; exit 1; }
}

# Azurite comes from npm, pinned in package.json and package-lock.json.
ensure_node_modules() {
  require node "install Node.js 20 or later"
  require npm "install npm"
  require dotnet "install the .NET 10 SDK"
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing Azurite from package-lock.json"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# stop_pids: ends the processes in the array "pids" (the caller's children): SIGTERM, 10 s for
# each to close its files, then SIGKILL (Azurite sometimes lingers after closing).
stop_pids() {
  local pid i alive
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for ((i = 0; i < 100; i++)); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && return 0
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}

# azurite_connection_string BLOB_PORT QUEUE_PORT TABLE_PORT: Azurite's development account on 127.0.0.1.
azurite_connection_string() {
  printf '%s' "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$2/devstoreaccount1;TableEndpoint=http://127.0.0.1:$3/devstoreaccount1;"
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# wait_for_port PORT SECONDS NAME [PID]: fails early when the process PID has exited.
wait_for_port() {
  local port=$1 seconds=$2 name=$3 pid=${4:-} i
  for ((i = 0; i < seconds * 10; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited before opening port $port"
      exit 1
    fi
    sleep 0.1
  done
  log "$name did not open port $port within ${seconds}s"
  exit 1
}

# scratch_data NAME: a new temporary directory in $data, removed (with every process in "pids"
# stopped) when the script exits or is interrupted. For the bench and demo scripts.
scratch_data() {
  data="$(mktemp -d "${BENCH_DATA:-${TMPDIR:-/tmp}}/$1.XXXXXX")"
  pids=()
  trap 'stop_scratch; exit 130' INT
  trap 'stop_scratch; exit 143' TERM
  trap stop_scratch EXIT
}

stop_scratch() {
  trap - INT TERM EXIT
  stop_pids
  rm -rf "$data"
}

# start_scratch_azurite MODE: Azurite on free 127.0.0.1 ports, in memory (MODE "memory") or on disk
# under $data; sets blob_port, queue_port, table_port and storage_connection; adds its pid to "pids".
start_scratch_azurite() {
  local mode=$1
  blob_port=$(free_port); queue_port=$(free_port); table_port=$(free_port)
  local args=(--silent --skipApiVersionCheck --loose
    --blobHost 127.0.0.1 --blobPort "$blob_port" --queueHost 127.0.0.1 --queuePort "$queue_port"
    --tableHost 127.0.0.1 --tablePort "$table_port")
  mkdir -p "$data/azurite"
  if [ "$mode" = memory ]; then
    args+=(--inMemoryPersistence)
  else
    args+=(--location "$data/azurite")
  fi
  log "starting Azurite ($mode) on 127.0.0.1:$table_port (tables)"
  # Its working directory is $data/azurite: in memory it still writes a few files there.
  (cd "$data/azurite" && exec node "$OLDPWD/node_modules/azurite/dist/src/azurite.js" "${args[@]}") >"$data/azurite.log" 2>&1 &
  pids+=($!)
  wait_for_port "$table_port" 30 "Azurite" "$!"
  storage_connection="$(azurite_connection_string "$blob_port" "$queue_port" "$table_port")"
}

# far_schedules: prints NAME=VALUE settings that move every background pass (usage, lifecycle,
# repair, outbox sweep) about a year away: a six-field cron of the minute that just passed. The
# bench scripts run the host with OBJECTSTORE_BACKGROUND=off as well; these keep a run with the
# background on (or a later default that starts a pass anyway) from landing a pass in a measured
# row. A schedule already set in the environment wins.
far_schedules() {
  local cron
  cron="$(date -u -d '-1 minute' '+%-S %-M %-H %-d %-m *')"
  printf '%s\n' "OBJECTSTORE_USAGE_SCHEDULE=${OBJECTSTORE_USAGE_SCHEDULE:-$cron}" \
    "OBJECTSTORE_LIFECYCLE_SCHEDULE=${OBJECTSTORE_LIFECYCLE_SCHEDULE:-$cron}" \
    "OBJECTSTORE_REPAIR_SCHEDULE=${OBJECTSTORE_REPAIR_SCHEDULE:-$cron}" \
    "OBJECTSTORE_OUTBOX_SWEEP_SCHEDULE=${OBJECTSTORE_OUTBOX_SWEEP_SCHEDULE:-$cron}"
}

# start_scratch_host [NAME=VALUE...]: the Release local host (build it first) on a free 127.0.0.1
# port over $data and the scratch Azurite, with these settings over the environment's; sets
# host_port and host_pid, adds the pid to "pids"; its log is $data/host.log.
start_scratch_host() {
  host_port=$(free_port)
  log "starting the local host on 127.0.0.1:$host_port (data in $data)"
  env OBJECTSTORE_PORT="$host_port" OBJECTSTORE_BIND_ADDRESS=127.0.0.1 OBJECTSTORE_DATA="$data" \
    OBJECTSTORE_STORAGE_CONNECTION_STRING="$storage_connection" "$@" \
    dotnet host/ObjectStore.LocalHost/bin/Release/net10.0/ObjectStore.LocalHost.dll >"$data/host.log" 2>&1 &
  host_pid=$!
  pids+=("$host_pid")
  wait_for_port "$host_port" 60 "the local host" "$host_pid"
}

# The end-to-end tests drive the real clients: boto3 and the AWS CLI (pip, usually present),
# Debian's awscli v2, rclone, s3cmd and (for the browser upload tests) chromium. Install what is missing
# from Debian's packages.
ensure_s3_clients() {
  local missing=()
  [ -x /usr/bin/rclone ] || missing+=(rclone)
  [ -x /usr/bin/s3cmd ] || missing+=(s3cmd)
  [ -x /usr/bin/aws ] || missing+=(awscli)
  [ -x /usr/bin/chromium ] || missing+=(chromium) # the browser upload tests drive it headless
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
      log "installing ${missing[*]} from Debian"
      apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
        || log "could not install ${missing[*]}: their tests will fail"
    else
      log "missing ${missing[*]} (apt-get install ${missing[*]}): their tests will fail"
    fi
  fi
}
