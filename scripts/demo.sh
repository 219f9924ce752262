#!/usr/bin/env bash
# Runs the biometric API example (examples/biometric-api): a small HTTP service that keeps
# biometric webhook readings in tiered-memory, with its built-in agent simulator sending webhooks
# and reading memories, so that memories are promoted, demoted, archived and rehydrated within a
# minute. Open the live view it prints (http://127.0.0.1:8080/memory/) to watch.
#
#   ./scripts/demo.sh                   # in-process tiers, until Ctrl-C
#   ./scripts/demo.sh --duration 60     # 60 seconds, then a summary
#   ./scripts/demo.sh --real            # real Redis, PostgreSQL and Chroma, started here
#   ./scripts/demo.sh --help            # the service's options
#
# Listens on 127.0.0.1:${DEMO_PORT:-8080}. Every argument goes to the service. With --real, the
# servers are installed if missing (apt, npm), started on free loopback ports in a temp dir, and
# stopped when this script exits, however it exits. The runnable jar is (re)built first when it
# is missing or older than any source it is built from.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly JAR=examples/biometric-api/target/biometric-api.jar
# Everything the jar is built from: the parent pom and the modules the service depends on.
readonly INPUTS=(pom.xml
  tiered-memory-core/pom.xml tiered-memory-core/src
  tiered-memory-metrics/pom.xml tiered-memory-metrics/src
  tiered-memory-redis/pom.xml tiered-memory-redis/src
  tiered-memory-postgres/pom.xml tiered-memory-postgres/src
  tiered-memory-chroma/pom.xml tiered-memory-chroma/src
  examples/biometric-api/pom.xml examples/biometric-api/src/main)

log() { printf 'demo: %s\n' "$*" >&2; }

require() {
  if ! command -v "$1" >/dev/null 2>&1; then
    log "'$1' is not on the PATH; install $2"
    exit 1
  fi
}

needs_build() {
  [[ ! -f $JAR ]] || [[ -n $(find "${INPUTS[@]}" -newer "$JAR" -print -quit 2>/dev/null) ]]
}

real=0
for arg in "$@"; do
  case $arg in
    --real) real=1 ;;
    --help | -h) real=0; break ;;
  esac
done

require java "a JDK 17 or later (Debian: apt-get install -y openjdk-17-jdk-headless)"
if needs_build; then
  require mvn "Maven 3.8.7 or later (Debian: apt-get install -y maven)"
  log "building the service (mvn install -pl examples/biometric-api -am)..."
  # Tests are skipped and not compiled: the demo does not depend on work in progress in other
  # modules' tests. The log is shown only if the build fails.
  build_log=$(mktemp)
  if ! mvn -B -q -DskipTests -Dmaven.test.skip=true -Dspotless.check.skip=true \
      install -pl examples/biometric-api -am >"$build_log" 2>&1; then
    cat "$build_log" >&2
    rm -f "$build_log"
    log "building the service failed (log above)"
    exit 1
  fi
  rm -f "$build_log"
fi

export DEMO_PORT="${DEMO_PORT:-8080}"

if [[ $real == 1 ]]; then
  # shellcheck source=scripts/lib/servers.sh
  source scripts/lib/servers.sh
  trap tm_stop_all EXIT
  log "starting Redis, PostgreSQL and Chroma on 127.0.0.1 (stopped when the demo ends)..."
  tm_install_redis
  tm_install_postgres
  tm_install_chroma
  tm_start_redis
  tm_start_postgres
  tm_start_chroma
  log "redis $TM_REDIS_URL | postgres $TM_PG_JDBC_URL | chroma $TM_CHROMA_URL"
  # Not exec: the EXIT trap must run after the service ends to stop the servers.
  java -jar "$JAR" "$@"
else
  exec java -jar "$JAR" "$@"
fi
