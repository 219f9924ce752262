#!/usr/bin/env bash
# Runs the bounded load test (tiered-memory-hardening LoadIT) against real servers.
#
#   ./scripts/load.sh          60 seconds
#   ./scripts/load.sh 300      300 seconds
#   ./scripts/load.sh --vs-raw [LoadVsRaw options]
#                              the whole store against raw Jedis/JDBC/Chroma clients (issue 16)
#
# Starts Redis, PostgreSQL and Chroma on 127.0.0.1 through scripts/lib/servers.sh (stopped by PID
# on exit, also on failure), builds the modules the test needs (their tests skipped), and runs
# LoadIT alone: 2 threads of mixed put/get/search/delete with a sweep every second. It fails on
# any error or if the metrics do not reconcile exactly with what was done and with what each server
# holds. The report (throughput, p50/p95/p99 per operation from the test's own timing and from the
# metrics' histograms, movements, sweeps) is printed and written to
# tiered-memory-hardening/target/load-report.md.
#
# --vs-raw builds benchmarks/target/benchmarks.jar (mvn package -pl benchmarks -am, tests skipped),
# starts the same servers and runs io.tieredmemory.benchmarks.LoadVsRaw: the same seeded mix of
# put/get/search/delete with Zipf key popularity, through the store and through hand-written raw
# clients, in alternating blocks (default 8 threads, 4 rounds of 20 s per side after 10 s of warm-up,
# LoadIT's policy, closed loop; options: --threads --rounds --seconds --warmup --keys --seed --zipf
# --policy moving|steady --rate REQUESTS_PER_SECOND --out). Report: throughput and
# p50/p99 per operation per side with the ratios, printed and written to
# benchmarks/target/load-vs-raw.md. See benchmarks/analysis.md, "Whole store vs raw clients".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

if [[ "${1:-}" == "--vs-raw" ]]; then
  shift
  for tool in java mvn; do
    command -v "$tool" >/dev/null 2>&1 || { echo "[load.sh] missing '$tool' (see README: JDK 17+, Maven)" >&2; exit 1; }
  done
  # shellcheck source=lib/servers.sh
  source "$ROOT/scripts/lib/servers.sh"
  trap 'tm_stop_all' EXIT
  tm_start_redis
  tm_start_postgres
  tm_start_chroma
  echo "[load.sh] building benchmarks/target/benchmarks.jar (tests skipped)"
  mvn -B -q -ntp package -Dmaven.test.skip=true -Dspotless.check.skip=true -pl benchmarks -am
  echo "[load.sh] LoadVsRaw $*"
  java -cp "$ROOT/benchmarks/target/benchmarks.jar" io.tieredmemory.benchmarks.LoadVsRaw \
    --out "$ROOT/benchmarks/target/load-vs-raw.md" "$@"
  exit 0
fi

SECONDS_TO_RUN="${1:-60}"
if ! [[ "$SECONDS_TO_RUN" =~ ^[0-9]+$ ]] || (( SECONDS_TO_RUN < 1 )); then
  echo "usage: $0 [seconds, default 60] | $0 --vs-raw [LoadVsRaw options]" >&2
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
