# shellcheck shell=bash
#
# scripts/lib/servers.sh -- install, start and stop real servers (Redis,
# Redis Cluster, PostgreSQL, Chroma) for tests and demos, plus the Prometheus
# and Chromium binaries. Meant to be `source`d:
#
#     source scripts/lib/servers.sh
#     trap tm_stop_all EXIT
#     tm_start_all
#     mvn -B verify          # tests read TM_* env vars
#
# Every server binds to 127.0.0.1 only and lives in its own directory under
# $TM_RUN_DIR (default: a fresh /tmp/tiered-memory-run.XXXXXX). Each one's PID
# (and its /proc start time, to guard against PID reuse) is recorded there;
# tm_stop_all stops only those recorded processes, never anything by name.
#
# Safe to source under `set -euo pipefail`; sets no shell options itself.
#
# Environment knobs (all optional):
#   TM_RUN_DIR               run directory (created if missing)
#   TM_TOOLS_DIR             where npm tools go (default <repo>/.tools)
#   TM_REDIS_PORT            standalone redis port          (default: free port)
#   TM_REDIS_CLUSTER_PORTS   3 ports, comma/space separated (default: free ports;
#                            port+10000 is the cluster bus port and must be free)
#   TM_PG_PORT               postgres port                  (default: free port)
#   TM_PG_USER / TM_PG_PASSWORD / TM_PG_DB   (default tiered / tiered / tiered_memory_test)
#   TM_CHROMA_PORT           chroma port                    (default: free port)
#   TM_PROM_PORT             a free port reserved for tests that start prometheus
#   TM_CHROMA_VERSION / TM_CHROMA_BINDINGS_VERSION  (default 3.5.0 / 1.0.5)
#
# Exported after start: TM_RUN_DIR, TM_REDIS_HOST, TM_REDIS_PORT, TM_REDIS_URL,
#   TM_REDIS_CLUSTER_NODES, TM_PG_HOST, TM_PG_PORT, TM_PG_DB, TM_PG_JDBC_URL,
#   TM_PG_USER, TM_PG_PASSWORD, TM_PG_BIN_DIR, TM_CHROMA_PORT, TM_CHROMA_URL,
#   TM_PROM_PORT, TM_PROMETHEUS_BIN, TM_PROMTOOL_BIN.

if [[ -n "${_TM_SERVERS_SH_LOADED:-}" ]]; then
  return 0
fi
_TM_SERVERS_SH_LOADED=1

_TM_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
_TM_REPO_ROOT="$(cd "$_TM_LIB_DIR/../.." && pwd)"
: "${TM_TOOLS_DIR:=$_TM_REPO_ROOT/.tools}"
: "${TM_CHROMA_VERSION:=3.5.0}"
: "${TM_CHROMA_BINDINGS_VERSION:=1.0.5}"

_TM_APT_UPDATED="${_TM_APT_UPDATED:-}"
_TM_ALLOCATED_PORTS="${_TM_ALLOCATED_PORTS:-}"
# env vars this library exported with values it chose; unset by tm_stop_all
_TM_AUTO_VARS="${_TM_AUTO_VARS:-}"

# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------

_tm_log() { printf '[servers] %s\n' "$*" >&2; }

_tm_err() { printf '[servers] ERROR: %s\n' "$*" >&2; }

# _tm_fail LOGFILE MESSAGE... : print message + last 30 log lines, return 1
_tm_fail() {
  local logfile="$1"; shift
  _tm_err "$*"
  if [[ -n "$logfile" && -f "$logfile" ]]; then
    printf '[servers] ---- last 30 lines of %s ----\n' "$logfile" >&2
    tail -n 30 "$logfile" >&2 || true
    printf '[servers] ---- end of %s ----\n' "$logfile" >&2
  fi
  return 1
}

_tm_now() { date +%s; }

# _tm_auto_export NAME VALUE : export, remember that we chose it
_tm_auto_export() {
  export "$1=$2"
  case " $_TM_AUTO_VARS " in
    *" $1 "*) ;;
    *) _TM_AUTO_VARS="${_TM_AUTO_VARS:+$_TM_AUTO_VARS }$1" ;;
  esac
}

# ensure run dir exists, is traversable by the postgres user, and marked
_tm_ensure_run_dir() {
  if [[ -z "${TM_RUN_DIR:-}" ]]; then
    TM_RUN_DIR="$(mktemp -d /tmp/tiered-memory-run.XXXXXX)" || return 1
    : > "$TM_RUN_DIR/.tm-owned"           # we created it: tm_stop_all rm -rf's it
  elif [[ ! -d "$TM_RUN_DIR" ]]; then
    mkdir -p "$TM_RUN_DIR" || return 1
    : > "$TM_RUN_DIR/.tm-owned"
  fi
  export TM_RUN_DIR
  : > "$TM_RUN_DIR/.tm-run-dir"           # marks a run dir this library uses
  chmod 0755 "$TM_RUN_DIR"                # postgres (non-root) must traverse it
}

# _tm_server_dir NAME : create (fresh) $TM_RUN_DIR/NAME and print it
_tm_server_dir() {
  local d="$TM_RUN_DIR/$1"
  if [[ -f "$d/pid" ]] && _tm_pidfile_alive "$d/pid"; then
    _tm_err "server '$1' is already running (pid $(cut -d' ' -f1 "$d/pid")); call tm_stop_all first"
    return 1
  fi
  rm -rf "$d"
  mkdir -p "$d"
  printf '%s\n' "$d"
}

# /proc start time (clock ticks since boot) of PID, empty if gone
_tm_proc_starttime() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0
  stat="${stat##*) }"               # drop "pid (comm) "
  # fields now start at field 3 (state); starttime is field 22 -> index 19
  local -a f
  read -r -a f <<< "$stat"
  printf '%s' "${f[19]:-}"
}

_tm_proc_state() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0
  stat="${stat##*) }"
  printf '%s' "${stat%% *}"
}

# _tm_pid_alive PID [STARTTIME] : alive, not a zombie, and same process
_tm_pid_alive() {
  local pid="$1" start="${2:-}" st now
  [[ -n "$pid" && -d "/proc/$pid" ]] || return 1
  st="$(_tm_proc_state "$pid")"
  [[ -n "$st" && "$st" != "Z" && "$st" != "X" ]] || return 1
  if [[ -n "$start" ]]; then
    now="$(_tm_proc_starttime "$pid")"
    [[ "$now" == "$start" ]] || return 1
  fi
  return 0
}

_tm_pidfile_alive() {
  local pid start
  [[ -f "$1" ]] || return 1
  read -r pid start < "$1" || true
  _tm_pid_alive "$pid" "$start"
}

# _tm_record_pid DIR PID : write "PID STARTTIME" to DIR/pid
_tm_record_pid() {
  printf '%s %s\n' "$2" "$(_tm_proc_starttime "$2")" > "$1/pid"
}

# _tm_kill_pidfile PIDFILE : TERM, wait up to 10s, then KILL (only if same process)
_tm_kill_pidfile() {
  local pid="" start="" i
  [[ -f "$1" ]] || return 0
  read -r pid start < "$1" || true
  [[ -n "$pid" ]] || return 0
  _tm_pid_alive "$pid" "$start" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    _tm_pid_alive "$pid" "$start" || return 0
    sleep 0.1
  done
  _tm_log "pid $pid did not exit after SIGTERM within 10s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    _tm_pid_alive "$pid" "$start" || return 0
    sleep 0.1
  done
  _tm_err "pid $pid still alive after SIGKILL"
  return 1
}

# ---------------------------------------------------------------------------
# ports
# ---------------------------------------------------------------------------

_tm_port_in_use() {
  local p="$1"
  if command -v ss >/dev/null 2>&1; then
    [[ -n "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]] && return 0
    return 1
  fi
  # fallback: something answers on loopback
  (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null
}

# _tm_free_port [WITH_BUS] : print a free loopback port (and port+10000 free
# too when WITH_BUS=1). Ports are taken below the kernel's ephemeral range.
_tm_free_port() {
  local with_bus="${1:-0}" lo=12000 hi eph_lo p tries
  eph_lo="$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
  hi=$((eph_lo - 10001))
  if ((hi - lo < 1000)); then lo=20000; hi=30000; fi
  for ((tries = 0; tries < 500; tries++)); do
    p=$((lo + (RANDOM * 32768 + RANDOM) % (hi - lo)))
    case " $_TM_ALLOCATED_PORTS " in *" $p "*) continue ;; esac
    _tm_port_in_use "$p" && continue
    if [[ "$with_bus" == 1 ]]; then
      case " $_TM_ALLOCATED_PORTS " in *" $((p + 10000)) "*) continue ;; esac
      _tm_port_in_use "$((p + 10000))" && continue
    fi
    printf '%s\n' "$p"
    return 0
  done
  _tm_err "could not find a free loopback port"
  return 1
}

_tm_reserve_port() {
  _TM_ALLOCATED_PORTS="${_TM_ALLOCATED_PORTS:+$_TM_ALLOCATED_PORTS }$1"
}

# _tm_pick_port VARNAME [WITH_BUS] : use $VARNAME if set (must be free), else
# choose one; result exported as VARNAME and printed nowhere.
_tm_pick_port() {
  local var="$1" with_bus="${2:-0}" p
  p="${!var:-}"
  if [[ -n "$p" ]]; then
    if ! [[ "$p" =~ ^[0-9]+$ ]]; then _tm_err "$var='$p' is not a port"; return 1; fi
    if _tm_port_in_use "$p"; then
      _tm_err "$var=$p is already in use on this machine"
      return 1
    fi
    export "$var=$p"
  else
    p="$(_tm_free_port "$with_bus")" || return 1
    _tm_auto_export "$var" "$p"
  fi
  _tm_reserve_port "$p"
  [[ "$with_bus" == 1 ]] && _tm_reserve_port "$((p + 10000))"
  return 0
}

# ---------------------------------------------------------------------------
# apt helpers
# ---------------------------------------------------------------------------

_tm_apt_update_once() {
  [[ -n "$_TM_APT_UPDATED" ]] && return 0
  _tm_log "apt-get update"
  DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=600 update >/dev/null \
    || { _tm_err "apt-get update failed"; return 1; }
  _TM_APT_UPDATED=1
}

# _tm_apt_install PKG... : install without letting postinst scripts start
# services (policy-rc.d = 101), unless a policy-rc.d already exists.
_tm_apt_install() {
  local policy=/usr/sbin/policy-rc.d ours=0 rc=0 log
  _tm_apt_update_once || return 1
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\n# temporary, written by tiered-memory scripts/lib/servers.sh\nexit 101\n' > "$policy"
    chmod 0755 "$policy"
    ours=1
  fi
  log="$(mktemp /tmp/tm-apt.XXXXXX.log)"
  _tm_log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=600 \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    install "$@" > "$log" 2>&1 || rc=$?
  if [[ "$ours" == 1 ]] && grep -q 'tiered-memory' "$policy" 2>/dev/null; then
    rm -f "$policy"
  fi
  if [[ "$rc" != 0 ]]; then
    _tm_fail "$log" "apt-get install $* failed (exit $rc)"
    return 1
  fi
  rm -f "$log"
  return 0
}

# _tm_stop_system_service NAME : stop a Debian service started by a postinst
_tm_stop_system_service() {
  local svc="$1"
  [[ -e "/etc/init.d/$svc" ]] || return 0
  if service "$svc" status >/dev/null 2>&1; then
    _tm_log "stopping system service $svc (auto-started by package install)"
    service "$svc" stop >/dev/null 2>&1 || true
  fi
  return 0
}

# ---------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------

tm_install_redis() {
  if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
    return 0
  fi
  _tm_apt_install redis-server redis-tools || return 1
  _tm_stop_system_service redis-server
  # also stop by pidfile, in case the init script could not
  if [[ -f /run/redis/redis-server.pid ]]; then
    local pid
    pid="$(cat /run/redis/redis-server.pid 2>/dev/null || true)"
    if [[ -n "$pid" ]] && _tm_pid_alive "$pid" \
        && [[ "$(readlink "/proc/$pid/exe" 2>/dev/null || true)" == */redis-server* || "$(readlink "/proc/$pid/exe" 2>/dev/null || true)" == */redis-check-rdb* ]]; then
      kill -TERM "$pid" 2>/dev/null || true
    fi
  fi
  command -v redis-server >/dev/null 2>&1 || { _tm_err "redis-server still missing after install"; return 1; }
}

# _tm_launch_redis DIR PORT [extra redis args...] : start in background, record pid
_tm_launch_redis() {
  local dir="$1" port="$2"; shift 2
  local pid
  redis-server --bind 127.0.0.1 --port "$port" --protected-mode yes \
    --dir "$dir" --save '' --appendonly no --daemonize no \
    --logfile "$dir/redis.log" "$@" \
    </dev/null >>"$dir/stdout.log" 2>&1 &
  pid=$!
  disown "$pid" 2>/dev/null || true
  _tm_record_pid "$dir" "$pid"
  printf '%s\n' "$port" > "$dir/port"
  echo redis > "$dir/kind"
}

# _tm_wait_redis DIR PORT TIMEOUT : wait for PONG
_tm_wait_redis() {
  local dir="$1" port="$2" timeout="$3" deadline out
  deadline=$(($(_tm_now) + timeout))
  while :; do
    out="$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null || true)"
    [[ "$out" == "PONG" ]] && return 0
    if ! _tm_pidfile_alive "$dir/pid"; then
      cat "$dir/stdout.log" >> "$dir/redis.log" 2>/dev/null || true
      _tm_fail "$dir/redis.log" "redis-server on port $port exited during startup"
      return 1
    fi
    if (($(_tm_now) >= deadline)); then
      _tm_fail "$dir/redis.log" "redis-server on port $port did not answer PING within ${timeout}s"
      return 1
    fi
    sleep 0.1
  done
}

tm_start_redis() {
  command -v redis-server >/dev/null 2>&1 || { _tm_err "redis-server not installed (run tm_install_redis)"; return 1; }
  _tm_ensure_run_dir || return 1
  local dir
  dir="$(_tm_server_dir redis)" || return 1
  _tm_pick_port TM_REDIS_PORT || return 1
  _tm_launch_redis "$dir" "$TM_REDIS_PORT"
  _tm_wait_redis "$dir" "$TM_REDIS_PORT" 20 || return 1
  _tm_auto_export TM_REDIS_HOST 127.0.0.1
  _tm_auto_export TM_REDIS_URL "redis://127.0.0.1:$TM_REDIS_PORT"
}

tm_start_redis_cluster() {
  command -v redis-server >/dev/null 2>&1 || { _tm_err "redis-server not installed (run tm_install_redis)"; return 1; }
  _tm_ensure_run_dir || return 1
  local -a ports=()
  local p i dir deadline nodes="" addrs=() ok info
  if [[ -n "${TM_REDIS_CLUSTER_PORTS:-}" ]]; then
    read -r -a ports <<< "${TM_REDIS_CLUSTER_PORTS//,/ }"
    if ((${#ports[@]} != 3)); then
      _tm_err "TM_REDIS_CLUSTER_PORTS must list exactly 3 ports (got '${TM_REDIS_CLUSTER_PORTS}')"
      return 1
    fi
    for p in "${ports[@]}"; do
      if ! [[ "$p" =~ ^[0-9]+$ ]] || _tm_port_in_use "$p" || _tm_port_in_use "$((p + 10000))"; then
        _tm_err "TM_REDIS_CLUSTER_PORTS: port $p (or bus port $((p + 10000))) invalid or in use"
        return 1
      fi
      _tm_reserve_port "$p"; _tm_reserve_port "$((p + 10000))"
    done
  else
    for i in 0 1 2; do
      p="$(_tm_free_port 1)" || return 1
      _tm_reserve_port "$p"; _tm_reserve_port "$((p + 10000))"
      ports+=("$p")
    done
    _tm_auto_export TM_REDIS_CLUSTER_PORTS "${ports[0]},${ports[1]},${ports[2]}"
  fi
  for i in 0 1 2; do
    dir="$(_tm_server_dir "redis-cluster-$i")" || return 1
    _tm_launch_redis "$dir" "${ports[$i]}" \
      --cluster-enabled yes --cluster-config-file "$dir/nodes.conf" \
      --cluster-node-timeout 5000
  done
  for i in 0 1 2; do
    _tm_wait_redis "$TM_RUN_DIR/redis-cluster-$i" "${ports[$i]}" 20 || return 1
    addrs+=("127.0.0.1:${ports[$i]}")
  done
  local clog="$TM_RUN_DIR/redis-cluster-0/cluster-create.log"
  if ! redis-cli --cluster create "${addrs[@]}" --cluster-replicas 0 --cluster-yes \
      </dev/null >"$clog" 2>&1; then
    _tm_fail "$clog" "redis-cli --cluster create failed"
    return 1
  fi
  deadline=$(($(_tm_now) + 30))
  while :; do
    ok=0
    for i in 0 1 2; do
      info="$(redis-cli -h 127.0.0.1 -p "${ports[$i]}" cluster info 2>/dev/null || true)"
      [[ "$info" == *"cluster_state:ok"* ]] && ok=$((ok + 1))
    done
    ((ok == 3)) && break
    if (($(_tm_now) >= deadline)); then
      _tm_fail "$TM_RUN_DIR/redis-cluster-0/redis.log" "redis cluster did not reach cluster_state:ok within 30s"
      return 1
    fi
    sleep 0.2
  done
  nodes="$(IFS=,; printf '%s' "${addrs[*]}")"
  _tm_auto_export TM_REDIS_CLUSTER_NODES "$nodes"
}

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------

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
shared_buffers = 128MB
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

# ---------------------------------------------------------------------------
# Chroma (npm: chromadb CLI with native bindings)
# ---------------------------------------------------------------------------

_tm_chroma_dir() { printf '%s\n' "$TM_TOOLS_DIR/chroma"; }

_tm_chroma_installed_ok() {
  local cdir v b
  cdir="$(_tm_chroma_dir)"
  [[ -x "$cdir/node_modules/.bin/chroma" ]] || return 1
  v="$(node -p "require('$cdir/node_modules/chromadb/package.json').version" 2>/dev/null || true)"
  b="$(node -p "require('$cdir/node_modules/chromadb-js-bindings-linux-x64-gnu/package.json').version" 2>/dev/null || true)"
  [[ "$v" == "$TM_CHROMA_VERSION" && "$b" == "$TM_CHROMA_BINDINGS_VERSION" ]]
}

_tm_gitignore_tools() {
  local gi="$_TM_REPO_ROOT/.gitignore"
  [[ -d "$_TM_REPO_ROOT/.git" || -f "$_TM_REPO_ROOT/.git" ]] || return 0
  # only when TM_TOOLS_DIR is the default in-repo folder
  [[ "$TM_TOOLS_DIR" == "$_TM_REPO_ROOT/.tools" ]] || return 0
  if [[ ! -f "$gi" ]] || ! grep -qxE '/?\.tools/?' "$gi"; then
    if [[ -s "$gi" && -n "$(tail -c 1 "$gi")" ]]; then printf '\n' >> "$gi"; fi
    printf '.tools/\n' >> "$gi"
  fi
}

tm_install_chroma() {
  local cdir log
  cdir="$(_tm_chroma_dir)"
  _tm_gitignore_tools
  if _tm_chroma_installed_ok; then
    return 0
  fi
  command -v npm >/dev/null 2>&1 || { _tm_err "npm not found"; return 1; }
  case "$(uname -m)" in
    x86_64) ;;
    *) _tm_err "tm_install_chroma: only linux x86_64 is set up (bindings override for x64-gnu)"; return 1 ;;
  esac
  mkdir -p "$cdir"
  cat > "$cdir/package.json" <<EOF
{
  "name": "tiered-memory-chroma-server",
  "private": true,
  "description": "Local Chroma server for tiered-memory tests (installed by scripts/lib/servers.sh)",
  "dependencies": {
    "chromadb": "$TM_CHROMA_VERSION"
  },
  "overrides": {
    "chromadb-js-bindings-linux-x64-gnu": "$TM_CHROMA_BINDINGS_VERSION"
  }
}
EOF
  # a lock from another version would fight the override
  rm -f "$cdir/package-lock.json"
  log="$cdir/npm-install.log"
  _tm_log "npm install chromadb@$TM_CHROMA_VERSION (bindings $TM_CHROMA_BINDINGS_VERSION) into $cdir"
  if ! (cd "$cdir" && npm install --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
    _tm_fail "$log" "npm install of chromadb failed"
    return 1
  fi
  if ! _tm_chroma_installed_ok; then
    _tm_fail "$log" "chromadb installed but versions are not chromadb@$TM_CHROMA_VERSION + bindings@$TM_CHROMA_BINDINGS_VERSION"
    return 1
  fi
}

tm_start_chroma() {
  local cdir dir pid deadline out
  cdir="$(_tm_chroma_dir)"
  [[ -x "$cdir/node_modules/.bin/chroma" ]] || { _tm_err "chroma not installed (run tm_install_chroma)"; return 1; }
  _tm_ensure_run_dir || return 1
  dir="$(_tm_server_dir chroma)" || return 1
  _tm_pick_port TM_CHROMA_PORT || return 1
  mkdir -p "$dir/data"
  echo chroma > "$dir/kind"
  printf '%s\n' "$TM_CHROMA_PORT" > "$dir/port"
  # run node directly (not via npx) so the recorded PID is the server itself
  (cd "$cdir" && exec env ANONYMIZED_TELEMETRY=False NO_COLOR=1 \
      node "$cdir/node_modules/chromadb/dist/cli.mjs" run \
      --path "$dir/data" --host 127.0.0.1 --port "$TM_CHROMA_PORT") \
      </dev/null >"$dir/chroma.log" 2>&1 &
  pid=$!
  disown "$pid" 2>/dev/null || true
  _tm_record_pid "$dir" "$pid"
  deadline=$(($(_tm_now) + 60))
  while :; do
    out="$(curl -fsS --max-time 2 "http://127.0.0.1:$TM_CHROMA_PORT/api/v2/heartbeat" 2>/dev/null || true)"
    [[ "$out" == *heartbeat* ]] && break
    if ! _tm_pidfile_alive "$dir/pid"; then
      _tm_fail "$dir/chroma.log" "chroma exited during startup (port $TM_CHROMA_PORT)"
      return 1
    fi
    if (($(_tm_now) >= deadline)); then
      _tm_fail "$dir/chroma.log" "chroma did not answer /api/v2/heartbeat within 60s"
      return 1
    fi
    sleep 0.2
  done
  _tm_auto_export TM_CHROMA_URL "http://127.0.0.1:$TM_CHROMA_PORT"
}

# ---------------------------------------------------------------------------
# Prometheus / Chromium binaries (not started here)
# ---------------------------------------------------------------------------

tm_install_prometheus() {
  if [[ ! -x /usr/bin/prometheus || ! -x /usr/bin/promtool ]]; then
    # --no-install-recommends: skips prometheus-node-exporter & friends
    _tm_apt_install --no-install-recommends prometheus || return 1
    _tm_stop_system_service prometheus
    _tm_stop_system_service prometheus-node-exporter
  fi
  export TM_PROMETHEUS_BIN=/usr/bin/prometheus
  export TM_PROMTOOL_BIN=/usr/bin/promtool
}

tm_install_chromium() {
  if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
    return 0
  fi
  _tm_apt_install chromium chromium-driver || return 1
}

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
