#!/usr/bin/env bash
# Runs every test of every module: `./scripts/test.sh`.
#
# Installs what is missing (a JDK 17+ and Maven are assumed, as README says), starts the real
# servers the tests need on 127.0.0.1 (each in a temp dir, stopped by PID when this script exits,
# also on failure), runs `mvn -B verify` over all modules, and exits non-zero on any failure.
#
# Extra arguments go to Maven, e.g. `./scripts/test.sh -pl tiered-memory-core`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

log() { printf '[test.sh] %s\n' "$*"; }

require() {
  if ! command -v "$1" >/dev/null 2>&1; then
    log "missing '$1': $2" >&2
    exit 1
  fi
}

require java "install a JDK 17 or newer (Debian: apt-get install -y openjdk-17-jdk-headless)"
require mvn "install Maven 3.8.7 or newer (Debian: apt-get install -y maven)"

# shellcheck source=lib/servers.sh
source "$ROOT/scripts/lib/servers.sh"
trap 'tm_stop_all' EXIT

# Real servers for the *IT tests: Redis, a 3-master Redis Cluster, PostgreSQL and Chroma, each
# installed if missing (apt, npm) and started on 127.0.0.1 with a temp dir; the EXIT trap stops
# them by PID whatever happens. TM_NO_SERVERS=1 skips this for a quick unit-test run
# (`TM_NO_SERVERS=1 ./scripts/test.sh -DskipITs`); the ITs then fail, saying what to start.
if [[ "${TM_NO_SERVERS:-0}" != "1" ]]; then
  tm_start_all
fi
# Headless Chromium and chromedriver for the live view's browser test (Debian packages).
tm_install_chromium

START=$(date +%s)
log "mvn -B verify (all modules) $*"
mvn -B -ntp verify "$@"
# The shipped dashboard and Prometheus files: Grafana's dashboard types (npm @grafana/schema, via
# ajv), promtool check config / check rules / test rules. Installs its npm packages on first run.
log "docs/tests/check-all.sh (dashboard, Prometheus config, alert rules)"
if ! command -v node >/dev/null 2>&1; then
  log "installing nodejs and npm (apt) for the dashboard checks"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
bash "$ROOT/docs/tests/check-all.sh"
log "all tests passed in $(( $(date +%s) - START ))s"
