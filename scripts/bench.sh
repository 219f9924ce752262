#!/usr/bin/env bash
# Runs the JMH benchmarks against real servers and regenerates docs/benchmarks.md.
#
#   ./scripts/bench.sh              quick profile (under 10 minutes on 2 cores)
#   ./scripts/bench.sh --full       publication settings (the benchmarks' own annotations)
#   ./scripts/bench.sh --no-build   reuse benchmarks/target/benchmarks.jar as it is
#
# Builds the shaded JMH jar (benchmarks and the modules it needs, tests skipped), starts Redis,
# PostgreSQL and Chroma on 127.0.0.1 through scripts/lib/servers.sh (stopped by PID on exit, also
# on failure; PostgreSQL with shared_buffers = 1GB, TM_PG_SHARED_BUFFERS, so WarmScaleBenchmark's
# 1M-memory table, ~450 MB with its indexes, fits in the buffers as on a server sized for it), runs
# the benchmarks in groups, merges their JMH JSON into benchmarks/results/<date>-<profile>.json
# (plus a .meta.json with the machine and the command), and writes docs/benchmarks.md from it with
# benchmarks/report.py (which appends the hand-written benchmarks/analysis.md). The JMH log goes to
# the terminal and to a temp dir, whose path is printed if the run fails.
#
# Environment: TM_BENCH_NOTE, a sentence put at the top of the report (e.g. "other builds were
# running"); JAVA_OPTS_BENCH, extra options for the JMH forks (e.g. -XX:+UseParallelGC).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
COMMAND="./scripts/bench.sh${*:+ $*}"

log() { printf '[bench.sh] %s\n' "$*"; }

usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; }

PROFILE=quick
BUILD=1
while (($#)); do
  case "$1" in
    --full) PROFILE=full ;;
    --quick) PROFILE=quick ;;
    --no-build) BUILD=0 ;;
    -h | --help) usage; exit 0 ;;
    *) log "unknown argument '$1'"; usage >&2; exit 2 ;;
  esac
  shift
done

for tool in java mvn python3 curl; do
  command -v "$tool" >/dev/null 2>&1 || { log "missing '$tool' (see README: JDK 17+, Maven, python3, curl)" >&2; exit 1; }
done

START=$(date +%s)
JAR="$ROOT/benchmarks/target/benchmarks.jar"
if [[ "$BUILD" == 1 ]]; then
  log "building $JAR (mvn package -pl benchmarks -am, tests skipped)"
  mvn -B -q -ntp package -Dmaven.test.skip=true -Dspotless.check.skip=true -pl benchmarks -am
fi
[[ -f "$JAR" ]] || { log "$JAR is missing: run without --no-build" >&2; exit 1; }

# shellcheck source=lib/servers.sh
source "$ROOT/scripts/lib/servers.sh"
RUN_LOG=""
cleanup() {
  tm_stop_all
  if [[ -n "$RUN_LOG" && -f "$RUN_LOG" ]]; then
    log "JMH log kept in $RUN_LOG"
  fi
}
trap cleanup EXIT
tm_install_redis
tm_install_postgres
tm_install_chroma
tm_start_redis
TM_PG_SHARED_BUFFERS=${TM_PG_SHARED_BUFFERS:-1GB} tm_start_postgres
tm_start_chroma
log "servers up: redis $TM_REDIS_URL, postgres $TM_PG_JDBC_URL, chroma $TM_CHROMA_URL"

RESULTS="$ROOT/benchmarks/results"
mkdir -p "$RESULTS"
DATE=$(date -u +%Y-%m-%d)
OUT="$RESULTS/$DATE-$PROFILE.json"
PARTS=$(mktemp -d /tmp/tiered-memory-bench.XXXXXX)
RUN_LOG="$PARTS/jmh.log"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# jmh NAME ARGS...: one JMH run, JSON to $PARTS/NAME.json, output to the terminal and $RUN_LOG.
jmh() {
  local name="$1"
  shift
  log "group $name: java -jar benchmarks.jar $*"
  java -jar "$JAR" "$@" ${JAVA_OPTS_BENCH:+-jvmArgsAppend "$JAVA_OPTS_BENCH"} \
    -rf json -rff "$PARTS/$name.json" 2>&1 | tee -a "$RUN_LOG"
  [[ -s "$PARTS/$name.json" ]] || { log "group $name wrote no results" >&2; exit 1; }
}

INPROC='\.(HotPathBenchmark|HotPathTwoThreadsBenchmark|ClockBenchmark|ScrapeBenchmark)\.'
REMOTE='\.(RedisHotBenchmark|WarmBenchmark)\.'
ARCHIVE='\.ArchiveBenchmark\.'
SWEEP='\.SweepScalingBenchmark\.'
# Run twice: 10k, 1M, 10k, 1M for each method, so drift in the machine's load shows as a
# difference between rounds rather than between sizes.
WARMSCALE='\.WarmScaleBenchmark\.'
if [[ "$PROFILE" == quick ]]; then
  jmh inproc "$INPROC" -prof gc -f 1 -wi 3 -w 1s -i 5 -r 1s
  jmh remote "$REMOTE" -prof gc -f 1 -wi 2 -w 1s -i 5 -r 1s
  jmh archive "$ARCHIVE" -f 1 -wi 1 -i 3
  jmh sweep-inproc "$SWEEP" -p backend=in-process -f 1 -wi 20 -i 20
  jmh sweep-pg "$SWEEP" -p backend=postgres -f 1 -wi 2 -i 6
  jmh warmscale-1 "$WARMSCALE" -f 1 -wi 2 -w 1s -i 4 -r 1s
  jmh warmscale-2 "$WARMSCALE" -f 1 -wi 2 -w 1s -i 4 -r 1s
else
  jmh inproc "$INPROC" -prof gc
  jmh remote "$REMOTE" -prof gc
  jmh archive "$ARCHIVE"
  jmh sweep-inproc "$SWEEP" -p backend=in-process
  jmh sweep-pg "$SWEEP" -p backend=postgres
  jmh warmscale-1 "$WARMSCALE" -f 1
  jmh warmscale-2 "$WARMSCALE" -f 1
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null || true)" ]]; then
  COMMIT="$COMMIT (with uncommitted changes)"
fi
REDIS_VERSION=$(redis-server --version 2>/dev/null | sed -n 's/.*v=\([^ ]*\).*/\1/p')
PG_VERSION=$("$TM_PG_BIN_DIR/postgres" --version 2>/dev/null | sed -n 's/.*(PostgreSQL) \([^ ]*\).*/\1/p')
CHROMA_VERSION=$(curl -fsS "$TM_CHROMA_URL/api/v2/version" 2>/dev/null | tr -d '"' || true)
SCRAPE=$(sed -n 's/.*\[bench\] scrape: //p' "$RUN_LOG" | head -n 1)

PARTS="$PARTS" OUT="$OUT" PROFILE="$PROFILE" COMMAND="$COMMAND" COMMIT="$COMMIT" \
  LOAD_BEFORE="$LOAD_BEFORE" LOAD_AFTER="$LOAD_AFTER" SCRAPE="$SCRAPE" \
  SERVERS="Redis ${REDIS_VERSION:-?}, PostgreSQL ${PG_VERSION:-?} (shared_buffers ${TM_PG_SHARED_BUFFERS:-1GB}), Chroma ${CHROMA_VERSION:-?} (all on 127.0.0.1, same machine)" \
  python3 - <<'PY'
import datetime, json, os, platform, subprocess
parts = os.environ["PARTS"]
runs = []
for name in ["inproc", "remote", "archive", "sweep-inproc", "sweep-pg", "warmscale-1", "warmscale-2"]:
    with open(os.path.join(parts, name + ".json"), encoding="utf-8") as f:
        runs.extend(json.load(f))
# SampleTime histograms are most of a raw JMH file: drop them (percentiles stay) to keep it small.
for run in runs:
    for metric in [run["primaryMetric"], *(run.get("secondaryMetrics") or {}).values()]:
        metric.pop("rawDataHistogram", None)
out = os.environ["OUT"]
with open(out, "w", encoding="utf-8") as f:
    json.dump(runs, f, indent=1)
    f.write("\n")
cpu = "?"
with open("/proc/cpuinfo", encoding="utf-8") as f:
    for line in f:
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
mem = "?"
with open("/proc/meminfo", encoding="utf-8") as f:
    for line in f:
        if line.startswith("MemTotal"):
            mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
os_name = platform.platform()
if os.path.exists("/etc/os-release"):
    with open("/etc/os-release", encoding="utf-8") as f:
        for line in f:
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip().strip('"') + ", Linux " + platform.release()
meta = {
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    "profile": os.environ["PROFILE"],
    "command": os.environ["COMMAND"],
    "commit": os.environ["COMMIT"],
    "nproc": os.cpu_count(),
    "cpu": cpu,
    "memory": mem,
    "os": os_name,
    "load_before": os.environ["LOAD_BEFORE"],
    "load_after": os.environ["LOAD_AFTER"],
    "servers": os.environ["SERVERS"],
    "scrape": os.environ.get("SCRAPE", ""),
    "note": os.environ.get("TM_BENCH_NOTE", ""),
}
with open(out[: -len(".json")] + ".meta.json", "w", encoding="utf-8") as f:
    json.dump(meta, f, indent=1)
    f.write("\n")
PY

python3 "$ROOT/benchmarks/report.py" "$OUT" "$ROOT/docs/benchmarks.md"
rm -rf "$PARTS"
RUN_LOG=""
log "results: ${OUT#"$ROOT"/} (+ .meta.json); report: docs/benchmarks.md"
log "done in $(( $(date +%s) - START ))s"
