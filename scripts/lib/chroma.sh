# shellcheck shell=bash source-path=SCRIPTDIR
#
# scripts/lib/chroma.sh -- install (npm: chromadb CLI with native bindings, into
# $TM_TOOLS_DIR/chroma) and start a Chroma server on 127.0.0.1. Sourced by
# servers.sh (stopped there by tm_stop_all).
#
# Provides: tm_install_chroma, tm_start_chroma
#           (helpers _tm_chroma_dir, _tm_chroma_installed_ok).
# Reads:    TM_CHROMA_PORT (default: free port), TM_TOOLS_DIR,
#           TM_CHROMA_VERSION / TM_CHROMA_BINDINGS_VERSION (default 3.5.0 / 1.0.5),
#           TM_RUN_DIR.
# Exports:  TM_CHROMA_PORT, TM_CHROMA_URL.

if [[ -n "${_TM_CHROMA_SH_LOADED:-}" ]]; then
  return 0
fi
_TM_CHROMA_SH_LOADED=1

if [[ -z "${_TM_COMMON_SH_LOADED:-}" ]]; then
  # shellcheck source=common.sh
  source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh" || return 1
fi

: "${TM_CHROMA_VERSION:=3.5.0}"
: "${TM_CHROMA_BINDINGS_VERSION:=1.0.5}"

_tm_chroma_dir() { printf '%s\n' "$TM_TOOLS_DIR/chroma"; }

_tm_chroma_installed_ok() {
  local cdir v b
  cdir="$(_tm_chroma_dir)"
  [[ -x "$cdir/node_modules/.bin/chroma" ]] || return 1
  v="$(node -p "require('$cdir/node_modules/chromadb/package.json').version" 2>/dev/null || true)"
  b="$(node -p "require('$cdir/node_modules/chromadb-js-bindings-linux-x64-gnu/package.json').version" 2>/dev/null || true)"
  [[ "$v" == "$TM_CHROMA_VERSION" && "$b" == "$TM_CHROMA_BINDINGS_VERSION" ]]
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
