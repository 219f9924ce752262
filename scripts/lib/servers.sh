# shellcheck shell=bash source-path=SCRIPTDIR
#
# scripts/lib/servers.sh -- install, start and stop real servers (Redis,
# Redis Cluster, PostgreSQL, Chroma) for tests and demos, plus the Prometheus
# and Chromium binaries. The entry point callers source:
#
#     source scripts/lib/servers.sh
#     trap tm_stop_all EXIT
#     tm_start_all
#     mvn -B verify          # tests read TM_* env vars
#
# It sources one file per server (each sources common.sh, the shared _tm_*
# helpers) and holds only tm_start_all / tm_stop_all:
#   common.sh      logging, run dir, PID files, port picking, apt helpers
#   redis.sh       tm_install_redis, tm_start_redis, tm_start_redis_cluster
#   postgres.sh    tm_install_postgres, tm_start_postgres
#   chroma.sh      tm_install_chroma, tm_start_chroma
#   prometheus.sh  tm_install_prometheus (binaries only)
#   chromium.sh    tm_install_chromium (binaries only)
#
# Every server binds to 127.0.0.1 only and lives in its own directory under
# $TM_RUN_DIR (default: a fresh /tmp/tiered-memory-run.XXXXXX). Each one's PID
# (and its /proc start time, to guard against PID reuse) is recorded there;
# tm_stop_all stops only those recorded processes, never anything by name.
#
# Safe to source under `set -euo pipefail`; sets no shell options itself.
#
# Environment knobs (all optional; see each file's header):
#   TM_RUN_DIR, TM_TOOLS_DIR, TM_REDIS_PORT, TM_REDIS_CLUSTER_PORTS, TM_PG_PORT,
#   TM_PG_USER / TM_PG_PASSWORD / TM_PG_DB, TM_CHROMA_PORT,
#   TM_CHROMA_VERSION / TM_CHROMA_BINDINGS_VERSION,
#   TM_PROM_PORT (a free port reserved by tm_start_all for tests that start prometheus)
#
# Exported after tm_start_all: TM_RUN_DIR, TM_REDIS_HOST, TM_REDIS_PORT, TM_REDIS_URL,
#   TM_REDIS_CLUSTER_PORTS, TM_REDIS_CLUSTER_NODES, TM_PG_HOST, TM_PG_PORT, TM_PG_DB,
#   TM_PG_JDBC_URL, TM_PG_USER, TM_PG_PASSWORD, TM_PG_BIN_DIR, TM_CHROMA_PORT,
#   TM_CHROMA_URL, TM_PROM_PORT, TM_PROMETHEUS_BIN, TM_PROMTOOL_BIN.
#   tm_stop_all unsets the ones whose values this library chose.

if [[ -n "${_TM_SERVERS_SH_LOADED:-}" ]]; then
  return 0
fi
_TM_SERVERS_SH_LOADED=1

_tm_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=common.sh
source "$_tm_here/common.sh" || return 1
# shellcheck source=redis.sh
source "$_tm_here/redis.sh" || return 1
# shellcheck source=postgres.sh
source "$_tm_here/postgres.sh" || return 1
# shellcheck source=chroma.sh
source "$_tm_here/chroma.sh" || return 1
# shellcheck source=prometheus.sh
source "$_tm_here/prometheus.sh" || return 1
# shellcheck source=chromium.sh
source "$_tm_here/chromium.sh" || return 1
unset _tm_here

# ---------------------------------------------------------------------------
# stop / all
# ---------------------------------------------------------------------------

# Stops every server recorded under $TM_RUN_DIR, removes the run dir.
# Idempotent; never fails (safe in `trap tm_stop_all EXIT`).
tm_stop_all() {
  local rd="${TM_RUN_DIR:-}" d kind v
  if [[ -n "$rd" && -d "$rd" && -f "$rd/.tm-run-dir" ]]; then
    for d in "$rd"/*/; do
      d="${d%/}"
      [[ -f "$d/pid" ]] || continue
      kind="$(cat "$d/kind" 2>/dev/null || true)"
      case "$kind" in
        postgres) _tm_stop_postgres_dir "$d" || true ;;
        *) _tm_kill_pidfile "$d/pid" || true ;;
      esac
      rm -f "$d/pid"
    done
    if [[ -f "$rd/.tm-owned" ]]; then
      rm -rf "$rd" 2>/dev/null || true
    else
      for d in "$rd"/*/; do
        d="${d%/}"
        [[ -f "$d/kind" ]] && rm -rf "$d"
      done
      rm -f "$rd/.tm-run-dir"
    fi
  fi
  for v in $_TM_AUTO_VARS; do unset "$v"; done
  _TM_AUTO_VARS=""
  _TM_ALLOCATED_PORTS=""
  # a run dir we created is gone now; forget it so a later start makes a new one
  if [[ -n "$rd" && ! -d "$rd" ]]; then unset TM_RUN_DIR; fi
  return 0
}

tm_start_all() {
  local t0 t
  t0=$(_tm_now)
  t=$(_tm_now); tm_install_redis      || return 1; _tm_log "redis install check: $(($(_tm_now) - t))s"
  t=$(_tm_now); tm_install_postgres   || return 1; _tm_log "postgres install check: $(($(_tm_now) - t))s"
  t=$(_tm_now); tm_install_chroma     || return 1; _tm_log "chroma install check: $(($(_tm_now) - t))s"
  t=$(_tm_now); tm_install_prometheus || return 1; _tm_log "prometheus install check: $(($(_tm_now) - t))s"
  t=$(_tm_now); tm_start_redis         || return 1; _tm_log "redis started: $(($(_tm_now) - t))s"
  t=$(_tm_now); tm_start_redis_cluster || return 1; _tm_log "redis cluster started: $(($(_tm_now) - t))s"
  t=$(_tm_now); tm_start_postgres      || return 1; _tm_log "postgres started: $(($(_tm_now) - t))s"
  t=$(_tm_now); tm_start_chroma        || return 1; _tm_log "chroma started: $(($(_tm_now) - t))s"
  _tm_pick_port TM_PROM_PORT || return 1
  echo "redis          $TM_REDIS_URL  (pid $(cut -d' ' -f1 "$TM_RUN_DIR/redis/pid"))"
  echo "redis-cluster  $TM_REDIS_CLUSTER_NODES"
  echo "postgres       $TM_PG_JDBC_URL  user=$TM_PG_USER  (pid $(cut -d' ' -f1 "$TM_RUN_DIR/postgres/pid"))"
  echo "chroma         $TM_CHROMA_URL  (pid $(cut -d' ' -f1 "$TM_RUN_DIR/chroma/pid"))"
  echo "prometheus     $TM_PROMETHEUS_BIN (not started; free port TM_PROM_PORT=$TM_PROM_PORT)"
  _tm_log "all servers up in $(($(_tm_now) - t0))s; run dir $TM_RUN_DIR"
}
