# shellcheck shell=bash
#
# scripts/lib/common.sh -- shared helpers for the server scripts in scripts/lib/
# (sourced by redis.sh, postgres.sh, chroma.sh, prometheus.sh, chromium.sh and
# servers.sh; callers normally just `source scripts/lib/servers.sh`).
#
# Provides the _tm_* helpers: logging (_tm_log/_tm_err/_tm_fail), the run dir
# (_tm_ensure_run_dir/_tm_server_dir), PID files guarded by /proc start time
# (_tm_record_pid/_tm_pid_alive/_tm_pidfile_alive/_tm_kill_pidfile), loopback
# port picking (_tm_free_port/_tm_pick_port/_tm_reserve_port), env bookkeeping
# (_tm_auto_export), apt (_tm_apt_install/_tm_stop_system_service) and the npm
# tools dir (_tm_gitignore_tools).
#
# Reads:   TM_RUN_DIR (default: a fresh /tmp/tiered-memory-run.XXXXXX, created
#          and marked owned), TM_TOOLS_DIR (default <repo>/.tools).
# Exports: TM_RUN_DIR; TM_TOOLS_DIR is set (not exported) to its default.
# Internal state: _TM_LIB_DIR, _TM_REPO_ROOT, _TM_APT_UPDATED,
#          _TM_ALLOCATED_PORTS, _TM_AUTO_VARS (vars to unset in tm_stop_all).
#
# Safe to source under `set -euo pipefail`; sets no shell options itself.

if [[ -n "${_TM_COMMON_SH_LOADED:-}" ]]; then
  return 0
fi
_TM_COMMON_SH_LOADED=1

_TM_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
_TM_REPO_ROOT="$(cd "$_TM_LIB_DIR/../.." && pwd)"
: "${TM_TOOLS_DIR:=$_TM_REPO_ROOT/.tools}"

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
# npm tools dir
# ---------------------------------------------------------------------------

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
