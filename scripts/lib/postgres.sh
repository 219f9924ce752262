# shellcheck shell=bash source-path=SCRIPTDIR
#
# scripts/lib/postgres.sh -- install and start PostgreSQL on 127.0.0.1 (a
# throwaway cluster: initdb in $TM_RUN_DIR/postgres, fsync off). Runs as the
# postgres OS user when called as root. Sourced by servers.sh (stopped there by
# tm_stop_all through _tm_stop_postgres_dir).
#
# Provides: tm_install_postgres, tm_start_postgres
#           (helpers _tm_pg_bindir, _tm_as_pg, _tm_stop_postgres_dir).
# Reads:    TM_PG_PORT (default: free port), TM_PG_USER / TM_PG_PASSWORD /
#           TM_PG_DB (default tiered / tiered / tiered_memory_test), TM_RUN_DIR,
#           TM_PG_SHARED_BUFFERS (default 128MB, PostgreSQL's own default;
#           scripts/bench.sh sets 1GB so its 1M-memory tables fit, as a server
#           sized for that data would be).
# Exports:  TM_PG_BIN_DIR, TM_PG_HOST, TM_PG_PORT, TM_PG_USER, TM_PG_PASSWORD,
#           TM_PG_DB, TM_PG_JDBC_URL.

if [[ -n "${_TM_POSTGRES_SH_LOADED:-}" ]]; then
  return 0
fi
_TM_POSTGRES_SH_LOADED=1

if [[ -z "${_TM_COMMON_SH_LOADED:-}" ]]; then
  # shellcheck source=common.sh
  source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh" || return 1
fi

# print the newest /usr/lib/postgresql/<ver>/bin that has initdb
_tm_pg_bindir() {
  local d best=""
  for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V); do
    [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && best="$d"
  done
  [[ -n "$best" ]] || return 1
  printf '%s\n' "$best"
}

# run a command as the postgres OS user (root can't run postgres)
_tm_as_pg() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

tm_install_postgres() {
  local bindir
  if bindir="$(_tm_pg_bindir)"; then
    _tm_auto_export TM_PG_BIN_DIR "$bindir"
    return 0
  fi
  _tm_apt_install postgresql || return 1
  _tm_stop_system_service postgresql
  bindir="$(_tm_pg_bindir)" || { _tm_err "initdb not found under /usr/lib/postgresql/*/bin after install"; return 1; }
  _tm_auto_export TM_PG_BIN_DIR "$bindir"
}

tm_start_postgres() {
  local bindir dir data sock log pid pwfile
  bindir="$(_tm_pg_bindir)" || { _tm_err "PostgreSQL not installed (run tm_install_postgres)"; return 1; }
  _tm_auto_export TM_PG_BIN_DIR "$bindir"
  if [[ "$(id -u)" == 0 ]] && ! id postgres >/dev/null 2>&1; then
    _tm_err "OS user 'postgres' missing"; return 1
  fi
  _tm_ensure_run_dir || return 1
  dir="$(_tm_server_dir postgres)" || return 1
  _tm_pick_port TM_PG_PORT || return 1
  : "${TM_PG_USER:=tiered}" "${TM_PG_PASSWORD:=tiered}" "${TM_PG_DB:=tiered_memory_test}"
  export TM_PG_USER TM_PG_PASSWORD TM_PG_DB
  data="$dir/data"; sock="$dir/sock"; log="$dir/postgres.log"
  mkdir -p "$data" "$sock"
  echo postgres > "$dir/kind"
  printf '%s\n' "$TM_PG_PORT" > "$dir/port"
  printf '%s\n' "$bindir" > "$dir/bindir"
  pwfile="$dir/pwfile"
  printf '%s\n' "$TM_PG_PASSWORD" > "$pwfile"
  chmod 0600 "$pwfile"
  [[ "$(id -u)" == 0 ]] && chown -R postgres:postgres "$dir"
  chmod 0700 "$data"

  if ! (cd "$dir" && _tm_as_pg "$bindir/initdb" -D "$data" -U postgres --pwfile="$pwfile" \
        --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C \
        --no-sync --no-instructions) >"$dir/initdb.log" 2>&1; then
    _tm_fail "$dir/initdb.log" "initdb failed"
    return 1
  fi
  rm -f "$pwfile"
  cat >> "$data/postgresql.conf" <<EOF

# --- tiered-memory test settings (scripts/lib/servers.sh) ---
listen_addresses = '127.0.0.1'
port = $TM_PG_PORT
unix_socket_directories = '$sock'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = ${TM_PG_SHARED_BUFFERS:-128MB}
EOF
  : > "$log"
  [[ "$(id -u)" == 0 ]] && chown postgres:postgres "$log"
  if ! (cd "$dir" && _tm_as_pg "$bindir/pg_ctl" -D "$data" \
        -o "-c listen_addresses=127.0.0.1 -p $TM_PG_PORT -k $sock" \
        -l "$log" -w -t 30 start) >"$dir/pg_ctl.log" 2>&1; then
    cat "$dir/pg_ctl.log" >> "$log" 2>/dev/null || true
    _tm_fail "$log" "pg_ctl start failed (port $TM_PG_PORT)"
    return 1
  fi
  pid="$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)"
  if [[ -z "$pid" ]] || ! _tm_pid_alive "$pid"; then
    _tm_fail "$log" "postgres started but postmaster.pid has no live pid"
    return 1
  fi
  _tm_record_pid "$dir" "$pid"

  # role + database (over the unix socket, trust auth as superuser postgres)
  if ! (cd "$dir" && _tm_as_pg "$bindir/psql" -X -q -v ON_ERROR_STOP=1 \
        -h "$sock" -p "$TM_PG_PORT" -U postgres -d postgres \
        -v u="$TM_PG_USER" -v pw="$TM_PG_PASSWORD" -v db="$TM_PG_DB") \
        >"$dir/setup.log" 2>&1 <<'SQL'
SELECT (:'u' = 'postgres') AS is_super \gset
\if :is_super
  ALTER ROLE postgres PASSWORD :'pw';
\else
  SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'u') AS need_role \gset
  \if :need_role
    CREATE ROLE :"u" LOGIN CREATEDB PASSWORD :'pw';
  \else
    ALTER ROLE :"u" LOGIN PASSWORD :'pw';
  \endif
\endif
CREATE DATABASE :"db" OWNER :"u";
\c :"db"
ALTER SCHEMA public OWNER TO :"u";
SQL
  then
    _tm_fail "$dir/setup.log" "creating role/database in postgres failed"
    return 1
  fi
  _tm_auto_export TM_PG_HOST 127.0.0.1
  _tm_auto_export TM_PG_JDBC_URL "jdbc:postgresql://127.0.0.1:$TM_PG_PORT/$TM_PG_DB"
}

_tm_stop_postgres_dir() {
  local dir="$1" bindir data
  data="$dir/data"
  bindir="$(cat "$dir/bindir" 2>/dev/null || _tm_pg_bindir 2>/dev/null || true)"
  if _tm_pidfile_alive "$dir/pid" && [[ -n "$bindir" && -f "$data/postmaster.pid" ]]; then
    (cd "$dir" && _tm_as_pg "$bindir/pg_ctl" -D "$data" stop -m fast -w -t 15) \
      >>"$dir/pg_ctl.log" 2>&1 || true
  fi
  _tm_kill_pidfile "$dir/pid" || return 1
}
