#!/usr/bin/env bash
# Runs the bounded load test (tiered-memory-hardening LoadIT) against real servers.
#
#   ./scripts/load.sh          60 seconds
#   ./scripts/load.sh 300      300 seconds
#
# Starts Redis, PostgreSQL and Chroma on 127.0.0.1 through scripts/lib/servers.sh (stopped by PID
# on exit, also on failure), builds the modules the test needs (their tests skipped), and runs
# LoadIT alone: 2 threads of mixed put/get/search/delete with a sweep every second. It fails on
# any error or if the metrics do not reconcile exactly with what was done and with what each server
# holds. The report (throughput, p50/p95/p99 per operation from the test's own timing and from the
# metrics' histograms, movements, sweeps) is printed and written to
# tiered-memory-hardening/target/load-report.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
SECONDS_TO_RUN="${1:-60}"
if ! [[ "$SECONDS_TO_RUN" =~ ^[0-9]+$ ]] || (( SECONDS_TO_RUN < 1 )); then
  echo "usage: $0 [seconds, default 60]" >&2
  exit 2
fi

log() { printf '[load.sh] %s\n' "$*"; }

for tool in java mvn; do
  command -v "$tool" >/dev/null 2>&1 || { log "missing '$tool' (see README: JDK 17+, Maven)" >&2; exit 1; }
done

# shellcheck source=lib/servers.sh
source "$ROOT/scripts/lib/servers.sh"
trap 'tm_stop_all' EXIT
tm_start_redis
tm_start_postgres
tm_start_chroma

log "building the modules LoadIT needs (tests skipped)"
mvn -B -q -ntp install -DskipTests -Dspotless.check.skip=true -pl tiered-memory-hardening -am

log "LoadIT for ${SECONDS_TO_RUN}s"
mvn -B -ntp verify -pl tiered-memory-hardening -Dspotless.check.skip=true \
  -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=LoadIT -Dtm.load.seconds="$SECONDS_TO_RUN"
log "report: tiered-memory-hardening/target/load-report.md"
cat "$ROOT/tiered-memory-hardening/target/load-report.md"
