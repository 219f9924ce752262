# shellcheck shell=bash
#
# tiered-memory-reliability/src/test/bash/faults.sh -- restarts for the fault tests, on top of
# scripts/lib/servers.sh (source that first). Each function works on a server that
# servers.sh started under $TM_RUN_DIR/<name>/ and restarts the SAME server: same port, same
# data directory, same command line as servers.sh uses, and records the new PID in
# $TM_RUN_DIR/<name>/pid so that tm_stop_all stops it.
#
#   source scripts/lib/servers.sh
#   source tiered-memory-reliability/src/test/bash/faults.sh
#   TM_RUN_DIR=/tmp/x tmr_stop_postgres      # pg_ctl stop -m fast, data kept
#   TM_RUN_DIR=/tmp/x tmr_start_postgres     # pg_ctl start on the same data dir and port
#   TM_RUN_DIR=/tmp/x tmr_start_chroma       # node chroma run --path <same dir> --port <same>
#
# Redis needs nothing here: tm_start_redis with TM_REDIS_PORT=<same port> starts an empty
# Redis on that port (the tests want it empty, like a Redis that lost its data).

# tmr_stop_postgres : fast shutdown (the server's own clean stop), data directory kept.
tmr_stop_postgres() {
  local dir="$TM_RUN_DIR/postgres" bindir
  bindir="$(cat "$dir/bindir")" || return 1
  (cd "$dir" && _tm_as_pg "$bindir/pg_ctl" -D "$dir/data" stop -m fast -w -t 30) \
    >>"$dir/pg_ctl.log" 2>&1 || { _tm_fail "$dir/pg_ctl.log" "pg_ctl stop failed"; return 1; }
}

# tmr_start_postgres : starts the stopped server again, same data dir, port and socket dir.
tmr_start_postgres() {
  local dir="$TM_RUN_DIR/postgres" bindir port pid
  bindir="$(cat "$dir/bindir")" || return 1
  port="$(cat "$dir/port")" || return 1
  if ! (cd "$dir" && _tm_as_pg "$bindir/pg_ctl" -D "$dir/data" \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/sock" \
        -l "$dir/postgres.log" -w -t 30 start) >>"$dir/pg_ctl.log" 2>&1; then
    _tm_fail "$dir/postgres.log" "pg_ctl start (restart) failed on port $port"
    return 1
  fi
  pid="$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)"
  if [[ -z "$pid" ]] || ! _tm_pid_alive "$pid"; then
    _tm_fail "$dir/postgres.log" "postgres restarted but postmaster.pid has no live pid"
    return 1
  fi
  _tm_record_pid "$dir" "$pid"
}

# tmr_start_chroma : starts Chroma again on the same data directory and port (after a kill).
tmr_start_chroma() {
  local dir="$TM_RUN_DIR/chroma" cdir port pid deadline out
  cdir="$(_tm_chroma_dir)"
  port="$(cat "$dir/port")" || return 1
  if _tm_pidfile_alive "$dir/pid"; then
    _tm_err "chroma is still running (pid $(cut -d' ' -f1 "$dir/pid"))"
    return 1
  fi
  (cd "$cdir" && exec env ANONYMIZED_TELEMETRY=False NO_COLOR=1 \
      node "$cdir/node_modules/chromadb/dist/cli.mjs" run \
      --path "$dir/data" --host 127.0.0.1 --port "$port") \
      </dev/null >>"$dir/chroma.log" 2>&1 &
  pid=$!
  disown "$pid" 2>/dev/null || true
  _tm_record_pid "$dir" "$pid"
  deadline=$(($(_tm_now) + 60))
  while :; do
    out="$(curl -fsS --max-time 2 "http://127.0.0.1:$port/api/v2/heartbeat" 2>/dev/null || true)"
    [[ "$out" == *heartbeat* ]] && break
    if ! _tm_pidfile_alive "$dir/pid"; then
      _tm_fail "$dir/chroma.log" "chroma exited during restart (port $port)"
      return 1
    fi
    if (($(_tm_now) >= deadline)); then
      _tm_fail "$dir/chroma.log" "restarted chroma did not answer /api/v2/heartbeat within 60s"
      return 1
    fi
    sleep 0.2
  done
}
