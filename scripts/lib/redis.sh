# shellcheck shell=bash source-path=SCRIPTDIR
#
# scripts/lib/redis.sh -- install, start Redis (standalone) and a 3-node Redis
# Cluster on 127.0.0.1. Sourced by servers.sh (stopped there by tm_stop_all).
#
# Provides: tm_install_redis, tm_start_redis, tm_start_redis_cluster
#           (helpers _tm_launch_redis, _tm_wait_redis).
# Reads:    TM_REDIS_PORT (default: free port), TM_REDIS_CLUSTER_PORTS (3 ports,
#           comma/space separated; default: free ports, port+10000 is the bus
#           port and must be free too), TM_RUN_DIR.
# Exports:  TM_REDIS_PORT, TM_REDIS_HOST, TM_REDIS_URL, TM_REDIS_CLUSTER_PORTS,
#           TM_REDIS_CLUSTER_NODES (host:port,host:port,host:port).
# Server dirs: $TM_RUN_DIR/redis, $TM_RUN_DIR/redis-cluster-{0,1,2}.

if [[ -n "${_TM_REDIS_SH_LOADED:-}" ]]; then
  return 0
fi
_TM_REDIS_SH_LOADED=1

if [[ -z "${_TM_COMMON_SH_LOADED:-}" ]]; then
  # shellcheck source=common.sh
  source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh" || return 1
fi

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
