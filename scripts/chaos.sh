#!/usr/bin/env bash
# Runs the chaos test (tiered-memory-reliability ChaosIT) for as long as asked:
#
#   ./scripts/chaos.sh          300 seconds
#   ./scripts/chaos.sh 1800     30 minutes
#
# Two JVM processes share one store on real Redis, PostgreSQL and Chroma (started by the test on
# 127.0.0.1 in a directory of its own, and stopped by PID at the end, also on failure). Every 45 s
# the test kills one process with kill -9 in the middle of a sweep's archive and starts it again,
# kills Redis and restarts it empty, and restarts PostgreSQL. Every operation is recorded; at the
# end each key's history is checked for linearizability (the same checker ./scripts/test.sh runs
# for 60 s). A violation prints the smallest failing history and where the history files are.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
SECONDS_TO_RUN="${1:-300}"
if ! [[ "$SECONDS_TO_RUN" =~ ^[0-9]+$ ]] || (( SECONDS_TO_RUN < 30 )); then
  echo "usage: $0 [seconds, at least 30, default 300]" >&2
  exit 2
fi

log() { printf '[chaos.sh] %s\n' "$*"; }

for tool in java mvn; do
  command -v "$tool" >/dev/null 2>&1 || { log "missing '$tool' (see README: JDK 17+, Maven)" >&2; exit 1; }
done

# The test starts its own servers; this installs them if missing (apt, npm), as test.sh does.
# shellcheck source=lib/servers.sh
source "$ROOT/scripts/lib/servers.sh"
tm_install_redis
tm_install_postgres
tm_install_chroma

log "building the modules ChaosIT needs (tests skipped)"
mvn -B -q -ntp install -DskipTests -Dspotless.check.skip=true -pl tiered-memory-reliability -am

log "ChaosIT for ${SECONDS_TO_RUN}s"
mvn -B -ntp verify -pl tiered-memory-reliability -Dspotless.check.skip=true \
  -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=ChaosIT -Dtm.chaos.seconds="$SECONDS_TO_RUN"
