#!/usr/bin/env bash
# Runs every check of the observability docs (docs/grafana, docs/prometheus, docs/compose.yaml)
# and prints a summary. Exits non-zero if any check fails.
#
#   bash docs/tests/check-all.sh
#
# Needs node (>= 18) and npm (the npm registry, the first time), and promtool: taken from
# $PROMTOOL, else PATH, else installed with Debian's prometheus package through
# scripts/lib/servers.sh (tm_install_prometheus), which needs root.

set -uo pipefail

TESTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DOCS_DIR="$(cd "$TESTS_DIR/.." && pwd)"
REPO_DIR="$(cd "$DOCS_DIR/.." && pwd)"
PROM_DIR="$DOCS_DIR/prometheus"

declare -a RESULTS=()
FAILED=0
PASSED=0
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# run NAME COMMAND...: runs a check, shows its output, records PASS/FAIL.
run() {
  local name="$1"
  shift
  printf '\n==> %s\n' "$name"
  if "$@"; then
    RESULTS+=("PASS  $name")
    PASSED=$((PASSED + 1))
  else
    RESULTS+=("FAIL  $name")
    FAILED=$((FAILED + 1))
  fi
}

install_node_modules() {
  # npm ci when node_modules is missing or older than the lock file (versions pinned there).
  if [[ -d "$TESTS_DIR/node_modules" && "$TESTS_DIR/node_modules/.package-lock.json" -nt "$TESTS_DIR/package-lock.json" ]]; then
    echo "node_modules is up to date"
    return 0
  fi
  (cd "$TESTS_DIR" && npm ci --no-audit --no-fund)
}

find_promtool() {
  if [[ -n "${PROMTOOL:-}" ]]; then
    [[ -x "$PROMTOOL" ]] || { echo "PROMTOOL=$PROMTOOL is not executable" >&2; return 1; }
  elif command -v promtool >/dev/null 2>&1; then
    PROMTOOL="$(command -v promtool)"
  elif [[ -f "$REPO_DIR/scripts/lib/servers.sh" ]]; then
    echo "promtool not found: installing Debian's prometheus package"
    # shellcheck source=/dev/null
    source "$REPO_DIR/scripts/lib/servers.sh" && tm_install_prometheus && PROMTOOL="$TM_PROMTOOL_BIN" || {
      echo "could not install promtool; install it (apt-get install -y --no-install-recommends prometheus) or set PROMTOOL" >&2
      return 1
    }
  else
    echo "promtool not found; install it (apt-get install -y --no-install-recommends prometheus) or set PROMTOOL" >&2
    return 1
  fi
  "$PROMTOOL" --version 2>&1 | head -1
}

dashboard_queries_parse() {
  # Every panel query, variables replaced, compiled by promtool as a recording rule.
  node "$TESTS_DIR/extract-queries.mjs" --rules >"$WORK/dashboard-queries.yml" &&
    "$PROMTOOL" check rules "$WORK/dashboard-queries.yml"
}

run "npm dependencies (docs/tests/package-lock.json)" install_node_modules
NODE_OK=$FAILED

if [[ $NODE_OK -eq 0 ]]; then
  run "dashboard: Grafana schema + metric contract (validate-dashboard.mjs)" \
    node "$TESTS_DIR/validate-dashboard.mjs"
  run "dashboard validator rejects broken dashboards (node --test)" \
    bash -c "cd '$TESTS_DIR' && node --test --test-reporter=spec"
  run "compose: YAML, services, pinned images, 127.0.0.1 ports, mounts (validate-compose.mjs)" \
    node "$TESTS_DIR/validate-compose.mjs"
  run "alerts: every alert tested firing and quiet (check-alert-tests.mjs)" \
    node "$TESTS_DIR/check-alert-tests.mjs"
fi

run "promtool available" find_promtool
if [[ -n "${PROMTOOL:-}" ]]; then
  run "promtool check config docs/prometheus/prometheus.yml" \
    "$PROMTOOL" check config "$PROM_DIR/prometheus.yml"
  run "promtool check rules docs/prometheus/alerts.yml" \
    "$PROMTOOL" check rules "$PROM_DIR/alerts.yml"
  run "promtool test rules docs/prometheus/alerts.test.yml" \
    bash -c "cd '$PROM_DIR' && '$PROMTOOL' test rules alerts.test.yml"
  if [[ $NODE_OK -eq 0 ]]; then
    run "dashboard queries parse as PromQL (promtool check rules)" dashboard_queries_parse
  fi
fi

printf '\n==================== summary ====================\n'
printf '%s\n' "${RESULTS[@]}"
printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
[[ $FAILED -eq 0 ]]
