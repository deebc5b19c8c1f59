#!/usr/bin/env bash
# Installs what the tests need and runs every test project. Integration tests start their own
# Azurite (free ports, in memory) and local host (free port), so this runs beside ./run.sh.
# The last line is "N passed, N failed", summed over all test projects.
set -uo pipefail
cd "$(dirname "$0")"
source scripts/common.sh

ensure_node_modules || exit 1
ensure_s3_clients

results="TestResults/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$results"

log "building"
if ! dotnet build ObjectStore.sln -c Release -nologo -v q -clp:ErrorsOnly; then
  log "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

log "testing (results in $results)"
dotnet test ObjectStore.sln -c Release --no-build --nologo -v q \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@"
status=$?

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
# Name every failed test again here, where a log's tail shows it, with its message's first line.
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  python3 - "$trx" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for result in ET.parse(sys.argv[1]).getroot().iterfind(".//t:UnitTestResult", ns):
    if result.get("outcome") == "Failed":
        message = result.findtext(".//t:Message", default="", namespaces=ns).strip().splitlines()
        print(f"FAILED {result.get('testName')}: {message[0][:300] if message else ''}")
PY
done
# A test host that crashed writes no failed count: never report green for a red run.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit "$status"
